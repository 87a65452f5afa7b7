// The network compiler's pipeline: model file → streamlined integer model → folding →
// accelerator plan → elaborated design → Verilog, constraints, Vivado script and report.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { elaborate } from "../dsl/index.js";
import type { WeightMemoryStyle } from "../lib/mvau/params.js";
import { type Board, dspPortsOf, estimateOptionsFor, getBoard } from "../nn/boards.js";
import {
  applyFolding,
  type FoldResult,
  foldForBoard,
  foldForCyclesOnBoard,
  formatFolding,
  fpsToCycles,
  readFolding,
} from "../nn/fold.js";
import { layerShapes } from "../nn/layer-shape.js";
import type { Model } from "../nn/model-format.js";
import { loadModel } from "../nn/model-load.js";
import { formatModelJson } from "../nn/model-save.js";
import { streamlineModel } from "../nn/streamline.js";
import { type EmittedDesign, emitVerilog } from "../rtl/emit.js";
import { writeDesign } from "../rtl/write.js";
import { Accelerator, acceleratorIo } from "./accelerator.js";
import { boardPcf, boardXdc } from "./constraints.js";
import { type AcceleratorPlan, planAccelerator } from "./plan.js";
import { type AcceleratorReport, buildReport, reportMarkdown } from "./report.js";
import { vivadoTcl } from "./vivado-tcl.js";

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
  /** Share DSP multipliers between PEs where products fit one together (default true). */
  dspPacking?: boolean;
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
  emitted: EmittedDesign;
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

  let since = performance.now();
  const model = readModel(modelOrPath);
  t(
    `loaded model ${model.name}: ${model.layers.map((l) => `${l.inFeatures}→${l.outFeatures}`).join(", ")}`,
    since,
  );

  since = performance.now();
  const streamlined = streamlineModel(model);
  t("streamlined to integer thresholds", since);

  since = performance.now();
  const dspPorts = dspPortsOf(board);
  // iCE40's SB_MAC16 is not a DSP48: no packing of several products into one multiplier.
  const packing = o.dspPacking === false || board.ice40 ? "none" : dspPorts;
  const shapes = layerShapes(streamlined, packing);
  const estimate = estimateOptionsFor(board);
  let fold: FoldResult | { foldings: ReturnType<typeof applyFolding>; cycles: number };
  if (o.folding !== undefined) {
    const foldings = applyFolding(shapes, readFolding(o.folding));
    fold = {
      foldings,
      cycles: Math.max(...foldings.map((f, i) => (shapes[i]!.mw / f.simd) * (shapes[i]!.mh / f.pe))),
    };
  } else if (o.cyclesPerInference !== undefined || o.targetFps !== undefined) {
    const target = o.cyclesPerInference ?? fpsToCycles(o.targetFps!, clockMHz);
    fold = foldForCyclesOnBoard(shapes, target, board, {
      utilisation: o.utilisation ?? board.defaultUtilisation,
      estimate,
    });
  } else if (streamlined.layers.every((l) => l.folding)) {
    const foldings = streamlined.layers.map((l) => l.folding!);
    fold = {
      foldings: applyFolding(
        shapes,
        { layers: shapes.map((s, i) => ({ name: s.name, ...foldings[i]! })) },
        "model",
      ),
      cycles: 0,
    };
  } else {
    fold = foldForBoard(shapes, board, { utilisation: o.utilisation ?? board.defaultUtilisation, estimate });
  }
  t(`folded: ${fold.foldings.map((f) => `PE ${f.pe}/SIMD ${f.simd}`).join(", ")}`, since);

  since = performance.now();
  const plan = planAccelerator(streamlined, fold.foldings, {
    dspPorts,
    dspPacking: board.ice40 ? false : o.dspPacking,
    weightMemory: o.weightMemory,
    scores: o.scores,
    exposeFifoCounts: o.exposeFifoCounts,
  });
  const design = elaborate(Accelerator, plan);
  t("elaborated", since);

  since = performance.now();
  const emitted = emitVerilog(design);
  t(`emitted ${emitted.verilogFiles.length} Verilog modules`, since);

  const io = acceleratorIo(plan);
  const report = buildReport(plan, shapes, board, clockMHz, model.name, io);
  return {
    model,
    streamlined,
    board,
    clockMHz,
    plan,
    emitted,
    report,
    foldingJson: formatFolding(shapes, fold.foldings),
  };
}

/** Writes rtl/, constraints/, vivado/, report.{json,md}, folding.json and the streamlined model. */
export function writeOutputs(c: Compiled, outDir: string): string {
  const dir = resolve(outDir);
  const rtl = join(dir, "rtl");
  writeDesign(c.emitted, rtl);
  mkdirSync(join(dir, "constraints"), { recursive: true });
  const io = acceleratorIo(c.plan);
  if (c.board.ice40) {
    // No Vivado flow: `loom synth` builds the UART top, places, routes and packs it.
    writeFileSync(join(dir, "constraints", `${c.board.name}.pcf`), boardPcf(c.board));
  } else writeVivado(c, dir, io);
  writeFileSync(join(dir, "report.json"), `${JSON.stringify(c.report, null, 2)}\n`);
  writeFileSync(join(dir, "report.md"), reportMarkdown(c.report));
  writeFileSync(join(dir, "folding.json"), c.foldingJson);
  writeFileSync(join(dir, "model.streamlined.json"), formatModelJson(c.streamlined));
  return dir;
}

/** The Xilinx boards' timing constraints and Vivado project script. */
function writeVivado(c: Compiled, dir: string, io: ReturnType<typeof acceleratorIo>): void {
  writeFileSync(join(dir, "constraints", `${c.board.name}.xdc`), boardXdc(c.board, c.clockMHz));
  mkdirSync(join(dir, "vivado"), { recursive: true });
  writeFileSync(
    join(dir, "vivado", "build.tcl"),
    vivadoTcl({
      board: c.board,
      topName: c.emitted.topName,
      clockMHz: c.clockMHz,
      verilogFiles: c.emitted.verilogFiles,
      memoryFiles: [...c.emitted.files.keys()].filter((f) => f.endsWith(".hex")).sort(),
      inputWidth: io.inputBits,
      outputWidth: io.outputBits,
    }),
  );
}
