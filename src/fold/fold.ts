// Folding: how many PEs and SIMD lanes each layer gets. Two solvers — the cheapest folding that
// meets a cycle target, and the fastest folding that fits a board — plus the folding file.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { divisors } from "../core/divisors.js";
import { LoomError } from "../core/errors.js";
import { memoryStyle, placementProblem } from "../core/memory-style.js";
import type { MultiplierStyle, WeightMemoryStyle } from "../lib/mvau/params.js";
import { formatPath } from "../model/model-load.js";
import { type Board, getBoard } from "./boards.js";
import {
  type EstimateOptions,
  estimateLayer,
  type Folding,
  layerCycles,
  type ResourceEstimate,
  sumEstimates,
  weightTable,
} from "./estimate.js";
import { type SelectOption, selectJoint } from "./fold-select.js";
import { ICE40_CELLS_PER_FF } from "./ice40-boards.js";
import { type LayerShape, simdChoices } from "./layer-shape.js";

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
      /** This layer's weight memory; absent: the build's (`--weight-memory`, default auto). */
      weightMemory: z.enum(["auto", "block", "distributed", "ultra"]).optional(),
      /** This layer's multipliers; absent: the build's (`--multipliers`, default dsp). */
      multipliers: z.enum(["dsp", "lut"]).optional(),
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
  /** What stops the next faster interval from fitting (board searches only; absent at the fastest). */
  binding?: Binding;
}

/** The resource that keeps the board search from the next faster initiation interval. */
export interface Binding {
  /** "LUT", "FF", "BRAM36" (iCE40: "EBR"), "URAM", "DSP"; several joined by " + " when only together. */
  resource: string;
  /** The next faster interval some folding reaches, which no selection fits. */
  nextInterval: number;
  /** One line: what that interval would need of the resource against its cap. */
  detail: string;
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

/**
 * Matches a folding file to the model's layers by name and checks PE | MH and SIMD | MW (C for a
 * conv, or a conv's whole KH·KW·C window: the parallel window), and that a layer's weight memory can hold its weights (UltraRAM only with runtime weights).
 */
export function applyFolding(
  shapes: readonly LayerShape[],
  file: FoldingFile,
  source = "folding",
  o: { runtimeWeights?: boolean } = {},
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
    const simds = simdChoices(s);
    if (!simds.includes(entry.simd)) {
      const parallel = simds.length > divisors(s.simdSpan).length;
      const why = !s.conv
        ? `does not divide MW = ${s.mw}`
        : parallel
          ? `neither divides the ${s.simdSpan} input channels nor is the whole ${s.mw}-value window (the parallel window)`
          : `does not divide the ${s.simdSpan} input channels`;
      throw new FoldingError(`${at}: simd ${entry.simd} ${why}; valid simd: ${simds.join(", ")}`);
    }
    const problem = placementProblem({
      use: "table",
      depth: 1,
      width: 1,
      choice: entry.weightMemory,
      writable: o.runtimeWeights,
    });
    if (problem) throw new FoldingError(`${at}: weightMemory ${entry.weightMemory}: ${problem}`);
    const { pe, simd, weightMemory, multipliers } = entry;
    return {
      pe,
      simd,
      ...(weightMemory && { weightMemory }),
      ...(multipliers && { multipliers }),
    };
  });
}

// --- solvers ---------------------------------------------------------------------------------

/** Cycles per inference for a frame rate at a clock (rounded down so the rate is met). */
export function fpsToCycles(fps: number, clockMHz: number): number {
  if (!(fps > 0) || !(clockMHz > 0))
    throw new FoldingError(`fps (${fps}) and clock (${clockMHz} MHz) must be positive`);
  return Math.floor((clockMHz * 1e6) / fps);
}

/**
 * Every (PE, SIMD) pair of a layer: PE divides MH (OC), SIMD divides MW (a conv's C) or is a
 * conv's whole window, KH·KW·C (the parallel window, simdChoices).
 */
export function foldingCandidates(shape: LayerShape): Folding[] {
  return divisors(shape.mh).flatMap((pe) => simdChoices(shape).map((simd) => ({ pe, simd })));
}

/** Scalar cost: each resource as a fraction of the reference board, summed (over those it has). */
function cost(e: ResourceEstimate, ref: Board): number {
  const share = (used: number, capacity: number) => (capacity > 0 ? used / capacity : 0);
  return (
    share(e.lut, ref.lut) +
    share(e.ff, ref.ff) +
    share(e.bram36, ref.bram36) +
    share(e.uram, ref.uram) +
    share(e.dsp, ref.dsp)
  );
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

/** The resources every board search caps, in the order `usage` and `caps` list them. */
function resourceNames(board: Board): string[] {
  return [board.ice40 ? "logic cells" : "LUT", "FF", board.ice40 ? "EBR" : "BRAM36", "URAM", "DSP"];
}

/**
 * What a layer or design uses of each capped resource (block RAM in EBRs on iCE40). On iCE40 a
 * logic cell holds one LUT4 and one flip-flop, and not every flip-flop shares a cell with a LUT:
 * the first cap is logic cells, LUTs plus a share of the flip-flops (`ICE40_CELLS_PER_FF`).
 */
function usage(e: ResourceEstimate, board: Board): number[] {
  const cells = board.ice40 ? e.lut + ICE40_CELLS_PER_FF * e.ff : e.lut;
  return [cells, e.ff, board.ice40 ? e.bram18 : e.bram36, e.uram, e.dsp];
}

/** The board's capacity of each capped resource. */
function capacities(board: Board): number[] {
  return [board.lut, board.ff, board.ice40 ? board.ice40.ebr : board.bram36, board.uram, board.dsp];
}

/** Which resources exceed the budget, as text ("" when it fits). */
export function overBudget(total: ResourceEstimate, board: Board, utilisation: number): string {
  const names = resourceNames(board);
  const used = usage(total, board);
  return capacities(board)
    .flatMap((cap, k) =>
      used[k]! > cap * utilisation
        ? [
            `${names[k]} ${Math.ceil(used[k]!)} > ${Math.floor(cap * utilisation)} (${Math.round(utilisation * 100)}% of ${cap})`,
          ]
        : [],
    )
    .join(", ");
}

/** One way to build a layer in the board search. */
interface LayerOption {
  folding: Folding;
  cycles: number;
  estimate: ResourceEstimate;
  /** Built in the build's styles (the memory policy's weight memory, the build's multipliers). */
  buildStyles: boolean;
}

/**
 * The weight memories the search may give a layer at a folding: the build's (`auto` lets the
 * memory policy place it) and, unless the build fixes one, block RAM, LUT ROM/RAM and, for
 * runtime-writable weights on a part that has it, UltraRAM. `undefined` is the build's choice.
 */
function weightMemoryChoices(
  shape: LayerShape,
  f: Folding,
  board: Board,
  e: EstimateOptions,
): (WeightMemoryStyle | undefined)[] {
  if (e.weightMemory && e.weightMemory !== "auto") return [undefined];
  const placed = memoryStyle({ use: "table", ...weightTable(shape, f), writable: e.runtimeWeights });
  const styles: WeightMemoryStyle[] = ["block", "distributed"];
  if (e.runtimeWeights && board.uram > 0) styles.push("ultra");
  return [undefined, ...styles.filter((s) => s !== placed)];
}

/** The multipliers the search may give a layer: the build's and, unless fixed, LUTs. */
function multiplierChoices(shape: LayerShape, e: EstimateOptions): (MultiplierStyle | undefined)[] {
  return e.multipliers || shape.xnor ? [undefined] : [undefined, "lut"];
}

/**
 * Every option of every layer, estimated once: (PE, SIMD) × weight memory × multipliers, the
 * build's styles first and, as mode (a) breaks ties, fewer cycles then wider SIMD first.
 */
function layerOptions(shapes: readonly LayerShape[], board: Board, e: EstimateOptions): LayerOption[][] {
  return shapes.map((shape) => {
    const options: LayerOption[] = [];
    const foldings = foldingCandidates(shape)
      .map((f) => ({ f, cycles: layerCycles(shape, f) }))
      .sort((a, b) => a.cycles - b.cycles || b.f.simd - a.f.simd);
    for (const { f, cycles } of foldings) {
      for (const weightMemory of weightMemoryChoices(shape, f, board, e)) {
        for (const multipliers of multiplierChoices(shape, e)) {
          const folding: Folding = {
            ...f,
            ...(weightMemory && { weightMemory }),
            ...(multipliers && { multipliers }),
          };
          const estimate = estimateLayer(shape, folding, e);
          options.push({ folding, cycles, estimate, buildStyles: !weightMemory && !multipliers });
        }
      }
    }
    return options;
  });
}

interface BoardSearch {
  shapes: readonly LayerShape[];
  board: Board;
  options: LayerOption[][];
  caps: number[];
  ref: Board;
  estimate?: EstimateOptions;
}

function boardSearch(shapes: readonly LayerShape[], board: Board, o: BoardFoldOptions): BoardSearch {
  const u = o.utilisation ?? 0.7;
  if (!(u > 0 && u <= 1)) throw new FoldingError(`utilisation must be in (0, 1], got ${u}`);
  return {
    shapes,
    board,
    options: layerOptions(shapes, board, o.estimate ?? {}),
    caps: capacities(board).map((c) => c * u),
    ref: o.reference ?? board,
    estimate: o.estimate,
  };
}

/** The selection problem at an interval: each layer's options that take at most `ii` cycles. */
function optionsAt(
  s: BoardSearch,
  ii: number,
  keep: (o: LayerOption) => boolean = () => true,
): SelectOption<LayerOption>[][] {
  return s.options.map((layer) =>
    layer
      .filter((o) => o.cycles <= ii && keep(o))
      .map((o) => ({ item: o, use: usage(o.estimate, s.board), cost: cost(o.estimate, s.ref) })),
  );
}

/**
 * The cheapest options that fit every cap together at `ii`, or null. A selection in the build's
 * styles is kept when one fits (block RAM for large weight tables, DSP products: LUT ROM costs
 * routing the estimate does not see); otherwise the styles are chosen by cost too.
 */
function fitAt(s: BoardSearch, ii: number): FoldResult | null {
  const sel =
    selectJoint(
      optionsAt(s, ii, (o) => o.buildStyles),
      s.caps,
    ) ?? selectJoint(optionsAt(s, ii), s.caps);
  return sel
    ? result(
        s.shapes,
        sel.picks.map((p) => p.folding),
        { estimate: s.estimate },
      )
    : null;
}

/**
 * Why the next faster interval does not fit: the resources whose cap alone, lifted, would let it
 * fit (several only together when no single one does).
 */
function bindingAt(s: BoardSearch, ii: number): Binding {
  const names = resourceNames(s.board);
  const caps = capacities(s.board);
  const layers = optionsAt(s, ii);
  const least = s.caps.map((_, k) =>
    layers.reduce((sum, l) => sum + Math.min(...l.map((o) => o.use[k]!)), 0),
  );
  const capText = (k: number) =>
    caps[k]! > 0
      ? `${Math.floor(s.caps[k]!).toLocaleString("en-US")} (${Math.round((s.caps[k]! / caps[k]!) * 100)}% of ${caps[k]!.toLocaleString("en-US")})`
      : "0 (none on this board)";
  const alone = s.caps.flatMap((cap, k) => (least[k]! > cap ? [k] : []));
  if (alone.length > 0) {
    return {
      resource: alone.map((k) => names[k]).join(" + "),
      nextInterval: ii,
      detail: alone
        .map(
          (k) =>
            `II ${ii} needs at least ${Math.ceil(least[k]!).toLocaleString("en-US")} ${names[k]} > ${capText(k)}`,
        )
        .join("; "),
    };
  }
  // Otherwise the fewest caps that, lifted together, let it fit: one, else two.
  const fitsLifting = (ks: number[]) =>
    selectJoint(
      layers,
      s.caps.map((c, k) => (ks.includes(k) ? Number.POSITIVE_INFINITY : c)),
    ) !== null;
  const all = s.caps.map((_, k) => k);
  const singles = all.filter((k) => fitsLifting([k])).map((k) => [k]);
  const pairs = () => all.flatMap((a) => all.filter((b) => b > a && fitsLifting([a, b])).map((b) => [a, b]));
  const sets = singles.length > 0 ? singles : pairs();
  if (sets.length === 0) sets.push(all.filter((k) => caps[k]! > 0));
  const resource = sets.map((ks) => ks.map((k) => names[k]).join(" + ")).join(" or ");
  const lifted = [...new Set(sets.flat())];
  return {
    resource,
    nextInterval: ii,
    detail: `II ${ii} fits only with the cap on ${resource} lifted (caps: ${lifted.map((k) => `${names[k]} ${capText(k)}`).join(", ")})`,
  };
}

/**
 * Mode (b): the smallest initiation interval at which a selection of (PE, SIMD), weight memory
 * and multipliers per layer fits every resource cap at once; then the cheapest such selection.
 */
export function foldForBoard(
  shapes: readonly LayerShape[],
  board: Board,
  o: BoardFoldOptions = {},
): FoldResult {
  const s = boardSearch(shapes, board, o);
  const intervals = candidateIntervals(shapes);
  for (const [j, ii] of intervals.entries()) {
    const r = fitAt(s, ii);
    if (r) return j === 0 ? r : { ...r, binding: bindingAt(s, intervals[j - 1]!) };
  }
  const slowest = intervals.at(-1)!;
  throw new FoldingError(
    `the model does not fit ${board.displayName} even fully folded (${slowest} cycles per inference): ` +
      `${bindingAt(s, slowest).detail}; choose a larger board or raise the utilisation cap`,
  );
}

/** Mode (a) with a board: the cheapest selection at the target that fits, or which interval does. */
export function foldForCyclesOnBoard(
  shapes: readonly LayerShape[],
  targetCycles: number,
  board: Board,
  o: BoardFoldOptions = {},
): FoldResult {
  const s = boardSearch(shapes, board, o);
  const r = foldForCycles(shapes, targetCycles, { ...o, reference: s.ref });
  const fit = fitAt(s, targetCycles);
  if (fit) return fit;
  const best = foldForBoard(shapes, board, o);
  throw new FoldingError(
    `${targetCycles} cycles per inference does not fit ${board.displayName}: ${overBudget(r.total, board, o.utilisation ?? 0.7)}; ` +
      `the fastest folding that fits takes ${best.cycles} cycles per inference`,
  );
}
