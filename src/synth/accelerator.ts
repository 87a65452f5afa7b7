// Synthesis of a whole generated accelerator: `synth_xilinx` with the hierarchy kept, one run per
// layer (and per weight memory of a large layer) plus one for the rest (split.ts), then each
// layer's MVAU module (with its submodules) and the total are read from Yosys's per-module
// statistics and set against the board's capacity.
import type { Board } from "../fold/boards.js";
import { isWeightMemoryName } from "../lib/mvau/weight-memory.js";
import { familyForBoard } from "./family.js";
import { hierarchicalDepth, type ModuleDepth } from "./logic-depth.js";
import {
  checkWeightPlacement,
  romStyles,
  type WeightPlacement,
  weightMemoryModules,
} from "./memory-check.js";
import { runSplitSynth, SPLIT_MEMORY_BITS, type SplitLayer, splitPieces } from "./split.js";
import { hierarchicalCells, instanceCounts } from "./stat.js";
import { type CellCounts, classifyCells, type SynthInput, type XilinxFamily } from "./yosys.js";

/** What the synthesis report needs to know of each layer (from the plan or report.json). */
export interface SynthLayer {
  name: string;
  pe: number;
  simd: number;
  /** Per-PE weight memory shape. */
  weightsPerPe: { depth: number; width: number };
}

export interface LayerSynth {
  name: string;
  module: string;
  cells: CellCounts;
  /** Deepest register-to-register path in LUT levels and carry cells (logic-depth.ts). */
  depth?: ModuleDepth;
  weights: WeightPlacement;
}

export interface SynthSection {
  tool: string;
  family: XilinxFamily;
  board: { name: string; part: string };
  top: string;
  seconds: number;
  layers: LayerSynth[];
  /** Everything outside the layers' MVAUs: FIFOs, width converters, arg-max. */
  other: CellCounts;
  total: CellCounts;
  /** The deepest path anywhere in the design. */
  depth?: ModuleDepth;
  capacity: { lut: number; ff: number; bram36: number; uram: number; dsp: number };
  /** LUTs include LUT RAM and SRLs (as Vivado counts them); BRAM36 counts a BRAM18 as half. */
  utilisation: { lut: number; ff: number; bram36: number; uram: number; dsp: number };
  fits: boolean;
  warnings: string[];
}

/** The module a layer's MVAU was emitted as: `<layer>_mw…`, as the MVAU generator names it. */
export function layerModule(modules: Iterable<string>, layerName: string): string | undefined {
  const safe =
    layerName
      .replace(/[^A-Za-z0-9_]/g, "_")
      .replace(/^([^A-Za-z_])/, "_$1")
      .replace(/^_+/, "") || "layer";
  const re = new RegExp(`^${safe}_mw\\d+_mh\\d+_`);
  return [...modules].find((m) => re.test(m) && !isWeightMemoryName(m));
}

/** LUTs a design occupies: logic LUTs plus LUT RAM and SRL primitives (RAM64M = 4 LUTs, etc.). */
export function lutsOccupied(c: CellCounts): number {
  let ram = 0;
  for (const [type, n] of Object.entries(c.byType)) {
    if (type === "RAM64M8" || type === "RAM32M16") ram += n * 8;
    else if (type === "RAM32M" || type === "RAM64M") ram += n * 4;
    else if (/^RAM(\d+)X1D$/.test(type)) ram += n * 2 * Math.max(1, Number(/^RAM(\d+)/.exec(type)![1]) / 64);
    else if (/^RAM(\d+)X1S$/.test(type)) ram += n * Math.max(1, Number(/^RAM(\d+)/.exec(type)![1]) / 64);
    else if (/^RAM/.test(type) && !/^RAMB/.test(type)) ram += n;
  }
  return c.lut + ram + c.srl;
}

function runsText(layers: readonly SplitLayer[]): string {
  const memories = layers.reduce((n, l) => n + l.memories.length, 0);
  return `one per layer${memories > 0 ? `, ${memories} for large layers' weight memories` : ""} and one for the rest`;
}

/** Each layer's MVAU module, with its weight memories split off when it holds megabits (split.ts). */
export function splitLayers(
  layers: readonly SynthLayer[],
  modules: readonly string[],
  files: ReadonlyMap<string, string>,
): SplitLayer[] {
  return layers.flatMap((l) => {
    const module = layerModule(modules, l.name);
    if (!module) return [];
    const bits = l.pe * l.weightsPerPe.depth * l.weightsPerPe.width;
    const memories = bits >= SPLIT_MEMORY_BITS ? weightMemoryModules(files.get(`${module}.v`) ?? "") : [];
    return [{ module, memories }];
  });
}

export async function synthAccelerator(
  input: SynthInput & { layers: readonly SynthLayer[] },
  board: Board,
  o: { log?: (line: string) => void; onStatus?: (status: string) => void; parallel?: number } = {},
): Promise<SynthSection> {
  const log = o.log ?? (() => {});
  const family = familyForBoard(board);
  const started = performance.now();
  const modules = input.verilogFiles.map((f) => f.replace(/\.v$/, ""));
  const files = input.files instanceof Map ? input.files : new Map(Object.entries(input.files));
  const split = splitLayers(input.layers, modules, files);
  const pieces = splitPieces(input, split);
  log(
    `synth_xilinx -family ${family} on ${input.top} (${input.verilogFiles.length} modules, ${pieces.length} runs: ${runsText(split)}); this can take minutes`,
  );
  const { stat, depths } = await runSplitSynth(input, pieces, {
    family,
    parallel: o.parallel,
    onStatus: o.onStatus,
  });
  const depthOf = (module: string) => hierarchicalDepth(depths, stat.modules, module);
  const seconds = (performance.now() - started) / 1000;
  log(`synthesised in ${seconds.toFixed(1)} s`);
  const total = classifyCells(hierarchicalCells(stat, input.top));
  const warnings: string[] = [];
  const layers: LayerSynth[] = [];
  const rest: Record<string, number> = { ...total.byType };
  for (const l of input.layers) {
    const module = layerModule(stat.modules.keys(), l.name);
    if (!module) {
      warnings.push(`${l.name}: no MVAU module found in the synthesised design`);
      continue;
    }
    const cells = classifyCells(hierarchicalCells(stat, module));
    const times = instanceCounts(stat, input.top).get(module) ?? 1;
    for (const [t, n] of Object.entries(cells.byType)) rest[t] = (rest[t] ?? 0) - times * n;
    const text = files.get(`${module}.v`) ?? "";
    const memoryText = weightMemoryModules(text).map((m) => files.get(`${m}.v`) ?? "");
    const roms = romStyles([text, ...memoryText].join("\n"));
    const weights = checkWeightPlacement(l.name, roms, l.weightsPerPe, cells);
    if (weights.problem) warnings.push(weights.problem);
    layers.push({ name: l.name, module, cells, depth: depthOf(module), weights });
    log(
      `${l.name} (${module}): LUT ${cells.lut} FF ${cells.ff} BRAM18 ${cells.bram18} BRAM36 ${cells.bram36} DSP ${cells.dsp}`,
    );
  }
  const other = classifyCells(Object.fromEntries(Object.entries(rest).filter(([, n]) => n > 0)));
  const capacity = { lut: board.lut, ff: board.ff, bram36: board.bram36, uram: board.uram, dsp: board.dsp };
  const ratio = (x: number, cap: number) => (cap > 0 ? x / cap : x > 0 ? Number.POSITIVE_INFINITY : 0);
  const utilisation = {
    lut: ratio(lutsOccupied(total), capacity.lut),
    ff: ratio(total.ff, capacity.ff),
    bram36: ratio(total.bram36 + total.bram18 / 2, capacity.bram36),
    uram: ratio(total.uram, capacity.uram),
    dsp: ratio(total.dsp, capacity.dsp),
  };
  const fits = Object.values(utilisation).every((u) => u <= 1);
  if (!fits) {
    const over = Object.entries(utilisation)
      .filter(([, u]) => u > 1)
      .map(([k, u]) => `${k} ${(100 * u).toFixed(0)}%`);
    warnings.push(`the design does not fit ${board.displayName}: ${over.join(", ")}`);
  }
  return {
    tool: "Yosys synth_xilinx (@yowasp/yosys, out of context, hierarchy kept, one run per layer and per large weight memory)",
    family,
    board: { name: board.name, part: board.part },
    top: input.top,
    seconds,
    layers,
    other,
    total,
    depth: depthOf(input.top),
    capacity,
    utilisation,
    fits,
    warnings,
  };
}
