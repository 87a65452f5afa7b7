// Folding: how many PEs and SIMD lanes each layer gets. Two solvers — the cheapest folding that
// meets a cycle target, and the fastest folding that fits a board — plus the folding file.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { divisors } from "../core/divisors.js";
import { LoomError } from "../core/errors.js";
import { formatPath } from "../model/model-load.js";
import { type Board, getBoard } from "./boards.js";
import {
  type EstimateOptions,
  estimateLayer,
  type Folding,
  layerCycles,
  type ResourceEstimate,
  sumEstimates,
} from "./estimate.js";
import type { LayerShape } from "./layer-shape.js";

export type { Folding } from "./estimate.js";

export class FoldingError extends LoomError {
  override name = "FoldingError";
  constructor(message: string) {
    super("folding", message);
  }
}

export const foldingFileSchema = z.object({
  layers: z.array(
    z.object({
      name: z.string().min(1),
      pe: z.number().int().positive(),
      simd: z.number().int().positive(),
    }),
  ),
});

export type FoldingFile = z.infer<typeof foldingFileSchema>;

export interface FoldResult {
  foldings: Folding[];
  /** Initiation interval: cycles per inference of the slowest layer. */
  cycles: number;
  perLayer: ResourceEstimate[];
  total: ResourceEstimate;
}

export interface FoldOptions {
  estimate?: EstimateOptions;
  /** Board whose capacities weigh LUT, FF, BRAM and DSP against each other (default: equal weights per unit of a ZCU104). */
  reference?: Board;
}

export interface BoardFoldOptions extends FoldOptions {
  /** Fraction of each board resource the accelerator may use. Default 0.7. */
  utilisation?: number;
}

// --- folding files ---------------------------------------------------------------------------

/** Reads a folding file from a path, JSON text, or a parsed object. */
export function readFolding(pathOrJson: string | unknown, source?: string): FoldingFile {
  let json = pathOrJson;
  let name = source ?? "folding";
  if (typeof pathOrJson === "string") {
    let text = pathOrJson;
    if (!pathOrJson.trimStart().startsWith("{")) {
      name = source ?? pathOrJson;
      try {
        text = readFileSync(pathOrJson, "utf8");
      } catch (err) {
        throw new FoldingError(`${name}: cannot read the folding file (${(err as Error).message})`);
      }
    }
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new FoldingError(`${name}: not valid JSON (${(err as Error).message})`);
    }
  }
  const result = foldingFileSchema.safeParse(json);
  if (!result.success) {
    const msgs = result.error.issues.map(
      (i) => `${formatPath(i.path)}: ${i.message.replace(/^Invalid input: /, "")}`,
    );
    throw new FoldingError(`${name}: ${msgs.join("; ")}`);
  }
  return result.data;
}

export function formatFolding(shapes: readonly LayerShape[], foldings: readonly Folding[]): string {
  const file: FoldingFile = { layers: shapes.map((s, i) => ({ name: s.name, ...foldings[i]! })) };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Matches a folding file to the model's layers by name and checks PE | MH and SIMD | MW (C for a conv). */
export function applyFolding(
  shapes: readonly LayerShape[],
  file: FoldingFile,
  source = "folding",
): Folding[] {
  const byName = new Map<string, FoldingFile["layers"][number] & { index: number }>();
  file.layers.forEach((l, i) => {
    const earlier = byName.get(l.name);
    if (earlier) {
      throw new FoldingError(
        `${source}: layers[${i}] folds layer "${l.name}" again (layers[${earlier.index}] already does)`,
      );
    }
    byName.set(l.name, { ...l, index: i });
  });
  for (const l of file.layers) {
    if (!shapes.some((s) => s.name === l.name)) {
      throw new FoldingError(
        `${source}: layer "${l.name}" is not in the model (layers: ${shapes.map((s) => s.name).join(", ")})`,
      );
    }
  }
  return shapes.map((s) => {
    const entry = byName.get(s.name);
    if (!entry) throw new FoldingError(`${source}: no folding for layer "${s.name}"`);
    const at = `${source}: layers[${entry.index}] ("${s.name}")`;
    if (s.mh % entry.pe !== 0) {
      throw new FoldingError(
        `${at}: pe ${entry.pe} does not divide MH = ${s.mh}; valid pe: ${divisors(s.mh).join(", ")}`,
      );
    }
    if (s.simdSpan % entry.simd !== 0) {
      const what = s.conv ? `the ${s.simdSpan} input channels` : `MW = ${s.mw}`;
      throw new FoldingError(
        `${at}: simd ${entry.simd} does not divide ${what}; valid simd: ${divisors(s.simdSpan).join(", ")}`,
      );
    }
    return { pe: entry.pe, simd: entry.simd };
  });
}

// --- solvers ---------------------------------------------------------------------------------

/** Cycles per inference for a frame rate at a clock (rounded down so the rate is met). */
export function fpsToCycles(fps: number, clockMHz: number): number {
  if (!(fps > 0) || !(clockMHz > 0))
    throw new FoldingError(`fps (${fps}) and clock (${clockMHz} MHz) must be positive`);
  return Math.floor((clockMHz * 1e6) / fps);
}

/** Every (PE, SIMD) pair of a layer: PE divides MH (OC), SIMD divides MW (a conv's C). */
export function foldingCandidates(shape: LayerShape): Folding[] {
  return divisors(shape.mh).flatMap((pe) => divisors(shape.simdSpan).map((simd) => ({ pe, simd })));
}

/** Scalar cost: each resource as a fraction of the reference board, summed. */
function cost(e: ResourceEstimate, ref: Board): number {
  return e.lut / ref.lut + e.ff / ref.ff + e.bram36 / ref.bram36 + (ref.dsp > 0 ? e.dsp / ref.dsp : 0);
}

/** Cheapest folding of one layer within a cycle budget, or null when even full parallelism is too slow. */
function cheapestFolding(shape: LayerShape, maxCycles: number, o: FoldOptions): Folding | null {
  const ref = o.reference ?? getBoard("zcu104");
  let best: { f: Folding; c: number; cycles: number } | null = null;
  for (const f of foldingCandidates(shape)) {
    const cycles = layerCycles(shape, f);
    if (cycles > maxCycles) continue;
    const c = cost(estimateLayer(shape, f, o.estimate), ref);
    // Ties: fewer cycles, then wider SIMD (fewer PEs keeps the weight memories fewer).
    if (
      !best ||
      c < best.c ||
      (c === best.c && (cycles < best.cycles || (cycles === best.cycles && f.simd > best.f.simd)))
    ) {
      best = { f, c, cycles };
    }
  }
  return best?.f ?? null;
}

function result(shapes: readonly LayerShape[], foldings: Folding[], o: FoldOptions): FoldResult {
  const perLayer = shapes.map((s, i) => estimateLayer(s, foldings[i]!, o.estimate));
  const cycles = Math.max(...shapes.map((s, i) => layerCycles(s, foldings[i]!)));
  return { foldings, cycles, perLayer, total: sumEstimates(perLayer) };
}

/** Mode (a): the cheapest folding whose slowest layer takes at most `targetCycles` per inference. */
export function foldForCycles(
  shapes: readonly LayerShape[],
  targetCycles: number,
  o: FoldOptions = {},
): FoldResult {
  const fastest = fastestInterval(shapes);
  if (!(targetCycles >= fastest)) {
    throw new FoldingError(
      `target of ${targetCycles} cycles per inference is unreachable: the best reachable initiation interval is ${fastest} cycle${fastest === 1 ? "" : "s"} (every layer fully parallel)`,
    );
  }
  const foldings = shapes.map((s) => cheapestFolding(s, targetCycles, o)!);
  return result(shapes, foldings, o);
}

/** Mode (a) from a frame rate: cycles = clock / fps. */
export function foldForFps(
  shapes: readonly LayerShape[],
  fps: number,
  clockMHz: number,
  o: FoldOptions = {},
): FoldResult {
  const cycles = fpsToCycles(fps, clockMHz);
  if (cycles < 1) {
    throw new FoldingError(
      `${fps} inferences/s is unreachable at ${clockMHz} MHz: the best reachable initiation interval is 1 cycle, ` +
        `i.e. at most ${clockMHz * 1e6} inferences/s`,
    );
  }
  return foldForCycles(shapes, cycles, o);
}

/**
 * The smallest initiation interval any folding reaches: 1 for dense layers fully parallel; a
 * conv layer's window and pool pass one beat per cycle, so its own floor is above 1.
 */
export function fastestInterval(shapes: readonly LayerShape[]): number {
  return Math.max(...shapes.map((s) => Math.min(...foldingCandidates(s).map((f) => layerCycles(s, f)))));
}

/** The achievable initiation intervals: every cycle count some layer can take, ascending. */
export function candidateIntervals(shapes: readonly LayerShape[]): number[] {
  const fastest = fastestInterval(shapes);
  const set = new Set<number>();
  for (const s of shapes) for (const f of foldingCandidates(s)) set.add(layerCycles(s, f));
  return [...set].filter((ii) => ii >= fastest).sort((a, b) => a - b);
}

/** Which resources exceed the budget, as text ("" when it fits). */
export function overBudget(total: ResourceEstimate, board: Board, utilisation: number): string {
  const parts: string[] = [];
  const check = (label: string, used: number, cap: number) => {
    if (used > cap * utilisation) {
      parts.push(
        `${label} ${Math.ceil(used)} > ${Math.floor(cap * utilisation)} (${Math.round(utilisation * 100)}% of ${cap})`,
      );
    }
  };
  check("LUT", total.lut, board.lut);
  check("FF", total.ff, board.ff);
  if (board.ice40) check("EBR", total.bram18, board.ice40.ebr);
  else check("BRAM36", total.bram36, board.bram36);
  check("DSP", total.dsp, board.dsp);
  return parts.join(", ");
}

/** Mode (b): the smallest initiation interval whose cheapest folding fits the board budget. */
export function foldForBoard(
  shapes: readonly LayerShape[],
  board: Board,
  o: BoardFoldOptions = {},
): FoldResult {
  const u = o.utilisation ?? 0.7;
  if (!(u > 0 && u <= 1)) throw new FoldingError(`utilisation must be in (0, 1], got ${u}`);
  const opts = { ...o, reference: o.reference ?? board };
  const intervals = candidateIntervals(shapes);
  let slowest: FoldResult | null = null;
  for (const ii of intervals) {
    const r = foldForCycles(shapes, ii, opts);
    if (overBudget(r.total, board, u) === "") return r;
    slowest = r;
  }
  throw new FoldingError(
    `the model does not fit ${board.displayName} even fully folded (${slowest!.cycles} cycles per inference): ` +
      `${overBudget(slowest!.total, board, u)}; choose a larger board or raise the utilisation cap`,
  );
}

/** Mode (a) with a board: as foldForCycles, but says which interval fits when the target does not. */
export function foldForCyclesOnBoard(
  shapes: readonly LayerShape[],
  targetCycles: number,
  board: Board,
  o: BoardFoldOptions = {},
): FoldResult {
  const u = o.utilisation ?? 0.7;
  const r = foldForCycles(shapes, targetCycles, { ...o, reference: o.reference ?? board });
  const over = overBudget(r.total, board, u);
  if (over === "") return r;
  const best = foldForBoard(shapes, board, o);
  throw new FoldingError(
    `${targetCycles} cycles per inference does not fit ${board.displayName}: ${over}; ` +
      `the fastest folding that fits takes ${best.cycles} cycles per inference`,
  );
}
