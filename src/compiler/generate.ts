// The network compiler's pipeline: model file → streamlined integer model → folding →
// accelerator plan → elaborated design → Verilog, constraints, Vivado script and report.

import { elaborate } from "../dsl/index.js";
import { type Board, dspPortsOf, estimateOptionsFor, getBoard } from "../fold/boards.js";
import {
  applyFolding,
  type Binding,
  type Folding,
  foldForBoard,
  foldForCyclesOnBoard,
  formatFolding,
  fpsToCycles,
  readFolding,
} from "../fold/fold.js";
import { layerShapes } from "../fold/layer-shape.js";
import { writeOutputDir } from "../io/output-dir.js";
import type { MultiplierStyle, WeightMemoryStyle } from "../lib/mvau/params.js";
import { type SystemParams, SystemWrapper } from "../lib/system/index.js";
import { inputSize, outputSize } from "../model/layer-geometry.js";
import { ModelError } from "../model/model-error.js";
import type { Model } from "../model/model-format.js";
import { loadModel } from "../model/model-load.js";
import { formatModelJson } from "../model/model-save.js";
import { type EmittedDesign, emitVerilog, SIM_MODELS } from "../rtl/emit.js";
import { streamlineModel } from "../streamline/streamline.js";
import { Accelerator, acceleratorIo } from "./accelerator.js";
import { boardPcf, boardXdc } from "./constraints.js";
import { driverFiles, driverIo } from "./driver/index.js";
import { type AcceleratorPlan, planAccelerator } from "./plan.js";
import { type AcceleratorReport, buildReport, reportMarkdown } from "./report.js";
import { REPORT_SVG, reportSvg } from "./report-chart.js";
import { dmaProblem, type SystemIo, systemIo, systemParams } from "./system.js";
import { type VivadoScriptOptions, vivadoTcl } from "./vivado-tcl.js";
import { weightFiles } from "./weight-files.js";

export interface CompileOptions {
  board: string;
  clockMHz?: number;
  /** Folding target: cycles per inference, or inferences per second at the clock. */
  cyclesPerInference?: number;
  targetFps?: number;
  /** A folding file (the JSON shape `gen` writes as folding.json). */
  folding?: string | unknown;
  /** Fraction of each board resource the folding may use (default 0.7). */
  utilisation?: number;
  weightMemory?: WeightMemoryStyle;
  /** Products in DSP slices (default) or in LUTs, for every layer whose folding does not say. */
  multipliers?: MultiplierStyle;
  /**
   * Runtime-writable weights (`--weights runtime`, FINN's decoupled mode with a load stream):
   * each layer's weight memories are filled by the host through a top-level AXI4-Stream port
   * (weight-stream.ts) instead of from the bitstream, which lets them live in UltraRAM.
   */
  runtimeWeights?: boolean;
  /** Share DSP multipliers between PEs where products fit one together (default true). */
  dspPacking?: boolean;
  /**
   * On UltraScale+, packed products in instantiated DSP48E2s (default true; dsp48e2.ts); false
   * writes them as multiplications for synthesis to infer.
   */
  dspPrimitive?: boolean;
  /** Also stream out the raw scores of the last layer. */
  scores?: boolean;
  /** Bring FIFO occupancies out as ports, so simulation can report their peaks. */
  exposeFifoCounts?: boolean;
  log?: (line: string) => void;
}

export interface Compiled {
  model: Model;
  streamlined: Model;
  board: Board;
  clockMHz: number;
  plan: AcceleratorPlan;
  /** The accelerator core (what `loom sim` and `loom synth` run). */
  emitted: EmittedDesign;
  /**
   * The core inside its system wrapper (TLAST, DMA widths, AXI4-Lite control): the board's top.
   * Absent when the streams do not fit an AXI DMA (`dmaProblem` says why).
   */
  system?: EmittedDesign;
  systemIo?: SystemIo;
  report: AcceleratorReport;
  foldingJson: string;
}

/** Loads a model from a path or takes a model object. */
export function readModel(model: string | Model): Model {
  return typeof model === "string" ? loadModel(model) : model;
}

export function compileModel(modelOrPath: string | Model, o: CompileOptions): Compiled {
  const log = o.log ?? (() => {});
  const t = (label: string, since: number) => log(`${label} (${(performance.now() - since).toFixed(0)} ms)`);
  const board = getBoard(o.board);
  const clockMHz = o.clockMHz ?? board.defaultClockMHz;
  if (o.runtimeWeights && board.ice40)
    throw new ModelError(
      `runtime-writable weights need a processor and a DMA to load them; ${board.name} has neither (use ROM weights)`,
    );

  let since = performance.now();
  const model = readModel(modelOrPath);
  t(
    `loaded model ${model.name}: ${model.layers.map((l) => `${inputSize(l)}→${outputSize(l)}`).join(", ")}`,
    since,
  );

  since = performance.now();
  const streamlined = streamlineModel(model);
  t("streamlined to integer thresholds", since);

  since = performance.now();
  const dspPorts = dspPortsOf(board, o.dspPrimitive !== false);
  // iCE40's SB_MAC16 is not a DSP48: no packing of several products into one multiplier.
  const packing = o.dspPacking === false || board.ice40 ? "none" : dspPorts;
  const shapes = layerShapes(streamlined, packing);
  // The folding costs the weight memories and multipliers the plan will ask for.
  const estimate = {
    ...estimateOptionsFor(board),
    weightMemory: o.weightMemory,
    multipliers: o.multipliers,
    runtimeWeights: o.runtimeWeights,
  };
  // Only the foldings (with any styles the search chose) and, from a board search, the resource
  // that binds go on: the plan derives the initiation interval from the foldings.
  let foldings: Folding[];
  let binding: Binding | undefined;
  if (o.folding !== undefined) {
    foldings = applyFolding(shapes, readFolding(o.folding), "folding", { runtimeWeights: o.runtimeWeights });
  } else if (o.cyclesPerInference !== undefined || o.targetFps !== undefined) {
    const target = o.cyclesPerInference ?? fpsToCycles(o.targetFps!, clockMHz);
    ({ foldings } = foldForCyclesOnBoard(shapes, target, board, {
      utilisation: o.utilisation ?? board.defaultUtilisation,
      estimate,
    }));
  } else if (streamlined.layers.every((l) => l.folding)) {
    const fromModel = streamlined.layers.map((l) => l.folding!);
    foldings = applyFolding(
      shapes,
      { layers: shapes.map((s, i) => ({ name: s.name, ...fromModel[i]! })) },
      "model",
      { runtimeWeights: o.runtimeWeights },
    );
  } else {
    ({ foldings, binding } = foldForBoard(shapes, board, {
      utilisation: o.utilisation ?? board.defaultUtilisation,
      estimate,
    }));
  }
  t(`folded: ${foldings.map(foldingText).join(", ")}`, since);

  since = performance.now();
  const plan = planAccelerator(streamlined, foldings, {
    dspPorts,
    dspPacking: board.ice40 ? false : o.dspPacking,
    weightMemory: o.weightMemory,
    multipliers: o.multipliers,
    runtimeWeights: o.runtimeWeights,
    scores: o.scores,
    exposeFifoCounts: o.exposeFifoCounts,
  });
  const deployable = dmaProblem(plan) === undefined;
  const design = deployable
    ? elaborate(SystemWrapper, systemParams(plan) as SystemParams<unknown>)
    : elaborate(Accelerator, plan);
  t("elaborated", since);

  since = performance.now();
  const system = deployable ? emitVerilog(design) : undefined;
  const core = deployable ? design.top.instances.find((i) => i.name === "core")!.module : design.top;
  const emitted = emitVerilog({ top: core, clocking: design.clocking });
  t(`emitted ${(system ?? emitted).verilogFiles.length} Verilog modules`, since);

  const io = acceleratorIo(plan);
  const report = buildReport(plan, shapes, board, clockMHz, model.name, io, binding);
  return {
    model,
    streamlined,
    board,
    clockMHz,
    plan,
    emitted,
    system,
    systemIo: deployable ? systemIo(plan) : undefined,
    report,
    foldingJson: formatFolding(shapes, foldings),
  };
}

/** "PE 8/SIMD 256 (distributed, lut)": a folding and any styles it sets for its layer. */
function foldingText(f: Folding): string {
  const styles = [f.weightMemory, f.multipliers].filter(Boolean);
  return `PE ${f.pe}/SIMD ${f.simd}${styles.length > 0 ? ` (${styles.join(", ")})` : ""}`;
}

/** The system wrapper and its I/O, or a ModelError saying why the design cannot use an AXI DMA. */
export function deployableSystem(c: Compiled): { system: EmittedDesign; systemIo: SystemIo } {
  if (!c.system || !c.systemIo) throw new ModelError(`no board design: ${dmaProblem(c.plan)}`);
  return { system: c.system, systemIo: c.systemIo };
}

export function vivadoOptions(c: Compiled): VivadoScriptOptions {
  const { system, systemIo } = deployableSystem(c);
  return {
    board: c.board,
    topName: system.topName,
    clockMHz: c.clockMHz,
    verilogFiles: system.verilogFiles,
    memoryFiles: [...system.files.keys()].filter((f) => f.endsWith(".hex")).sort(),
    inputWidth: systemIo.inBits,
    outputWidth: systemIo.outBits,
    weightStreams: systemIo.weightStreams,
  };
}

/**
 * The files of a `loom gen` directory: rtl/ (the system wrapper and the accelerator; rtl/sim_models/ the primitives' models for simulators),
 * constraints/, vivado/, driver/ (with runtime weights: driver/runtime_weights/<layer>.npy, the
 * bytes of each weight stream), on iCE40 boards the accelerator and a pin file; report.{json,md,svg},
 * folding.json and the streamlined model.
 */
export function outputFiles(c: Compiled): Map<string, string | Uint8Array> {
  const files = new Map<string, string | Uint8Array>();
  if (c.board.ice40) {
    // No processor and no Vivado flow: `loom synth` builds the UART top, places, routes and packs it.
    for (const [name, text] of c.emitted.files) files.set(`rtl/${name}`, text);
    for (const [name, text] of c.emitted.simulationModels) files.set(`rtl/${SIM_MODELS}/${name}`, text);
    files.set(`constraints/${c.board.name}.pcf`, boardPcf(c.board));
  } else {
    const { system } = deployableSystem(c);
    for (const [name, text] of system.files) files.set(`rtl/${name}`, text);
    for (const [name, text] of system.simulationModels) files.set(`rtl/${SIM_MODELS}/${name}`, text);
    files.set(`constraints/${c.board.name}.xdc`, boardXdc(c.board, c.clockMHz));
    files.set("vivado/build.tcl", vivadoTcl(vivadoOptions(c)));
    for (const [name, text] of driverFiles(driverIo(c))) files.set(`driver/${name}`, text);
    for (const [name, bytes] of weightFiles(c)) files.set(`driver/${name}`, bytes);
  }
  files.set("report.json", `${JSON.stringify(c.report, null, 2)}\n`);
  files.set("report.md", reportMarkdown(c.report));
  files.set(REPORT_SVG, reportSvg(c.report));
  files.set("folding.json", c.foldingJson);
  files.set("model.streamlined.json", formatModelJson(c.streamlined));
  return files;
}

/**
 * Writes the outputs into `outDir` (src/io/output-dir.ts: staged, manifest, lock; a directory
 * loom did not write only with `force`) and returns its absolute path.
 */
export function writeOutputs(
  c: Compiled,
  outDir: string,
  o: { force?: boolean; log?: (line: string) => void } = {},
): string {
  return writeOutputDir(outputFiles(c), outDir, { command: "loom gen", ...o });
}
