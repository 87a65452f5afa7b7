// Resource estimate of one folded MVAU layer. A simple analytic model in the spirit of FINN's
// own estimates (docs/resource-estimates.md explains every term); it ranks foldings, it does not replace
// synthesis.
import {
  type MemoryRequest,
  type MemoryUse,
  memoryPlacement,
  URAM_DEPTH,
  URAM_WIDTH,
} from "../core/memory-style.js";
import {
  convWindowFolding,
  parallelWindowCycles,
  pipelineWindowDepth,
  type SlidingWindowParams,
  type SlidingWindowShape,
  slidingWindowCycles,
  slidingWindowShape,
} from "../lib/conv/window-shape.js";
import { NO_PACKING } from "../lib/mvau/dsp-packing.js";
import { weightGatherBits } from "../lib/mvau/layout.js";
import type { MultiplierStyle, WeightMemoryStyle } from "../lib/mvau/params.js";
import { resolveSearch, searchStages } from "../lib/threshold/search.js";
import type { LayerShape } from "./layer-shape.js";

export interface Folding {
  pe: number;
  simd: number;
  /** This layer's weight memory, overriding the build's (`EstimateOptions.weightMemory`). */
  weightMemory?: WeightMemoryStyle;
  /** This layer's multipliers, overriding the build's (`EstimateOptions.multipliers`). */
  multipliers?: MultiplierStyle;
}

export interface ResourceEstimate {
  lut: number;
  ff: number;
  /** 18 Kib block RAM halves; bram36 = bram18 / 2. On iCE40 boards: 4 Kib EBRs (`blockRamShapes`). */
  bram18: number;
  bram36: number;
  /** UltraRAM blocks (URAM288, 4K × 72): runtime-writable weights placed in `ultra` only. */
  uram: number;
  dsp: number;
  /** LUTs of lut, used as distributed RAM (already included in lut). */
  lutram: number;
}

export interface EstimateOptions {
  /** Multipliers use a DSP slice when both operands have at least this many bits. Default 2. */
  dspMinBits?: number;
  /** A product this wide or wider goes to a DSP slice (Yosys maps a 4 × 4-bit product there). Default 8. */
  dspMinProductBits?: number;
  /**
   * Apply the two rules above to the multiply's operand widths as synthesis sees them (an
   * unsigned side of a signed product one bit wider: `LayerShape.multiplyBits`) rather than
   * the datatypes' bits. True on iCE40, where \`synth_ice40 -dsp\` was measured on them.
   */
  dspOnMultiplyBits?: boolean;
  /** Block RAM primitive's aspect ratios (depth × width); `bram18` counts these. Default: Xilinx BRAM18. */
  blockRamShapes?: ReadonlyArray<readonly [number, number]>;
  /**
   * Pick the block RAM shape as Yosys's `memory_libmap` does (`blocksAsYosys`) rather than the
   * one with the fewest blocks. True on iCE40, where the EBR count is what the search binds on.
   */
  blockRamAsYosys?: boolean;
  /**
   * Words of one bit a LUT holds as memory: 64 in a Xilinx LUT6 (LUT RAM). iCE40 has no LUT RAM:
   * a LUT4 is a 16 × 1 ROM and a 2:1 multiplexer tree joins them, about 8 words per LUT4.
   */
  lutMemoryDepth?: number;
  /** The build's weight memory for layers whose folding does not say (default auto). */
  weightMemory?: WeightMemoryStyle;
  /** The build's multipliers for layers whose folding does not say (default dsp). */
  multipliers?: MultiplierStyle;
  /** Weights written at run time through a load port (`--weights runtime`); default false. */
  runtimeWeights?: boolean;
  /**
   * The part has LUT RAM (default true). Without it (iCE40) memories synthesis places itself go
   * to logic when small and block RAM when not (`withoutLutRam`, the one memory policy).
   */
  lutRam?: boolean;
  /**
   * Logic LUTs per LUT the formulas count (they were fitted to Yosys's Xilinx LUT6 mapping):
   * 1 on Xilinx; more on iCE40, where a LUT4 holds less of an adder, comparator or multiplexer
   * (bench/calibrate-ice40.ts). Memory LUTs (`lutram`) are not scaled.
   */
  logicLutScale?: number;
  /** Fixed per-layer control logic in LUTs (fold counters, handshakes, valid chain); default 150. */
  controlLut?: number;
  /**
   * Products in LUTs whose narrower operand has 3 or more bits cost an adder row per bit (as LUT
   * multipliers do) and a LUT per partial-product bit, rather than w·a LUTs. True on iCE40: a
   * LUT4 holds an output bit of a 2 × 2 product, but a 4 × 4 one takes about 40 LUT4s there
   * (bench/calibrate-ice40.ts).
   */
  adderRowProducts?: boolean;
}

/** BRAM18 aspect ratios (depth × width), simple dual port. */
const BRAM18_SHAPES: ReadonlyArray<readonly [number, number]> = [
  [16384, 1],
  [8192, 2],
  [4096, 4],
  [2048, 9],
  [1024, 18],
  [512, 36],
];

const DEFAULTS: Required<EstimateOptions> = {
  dspMinBits: 2,
  dspMinProductBits: 8,
  dspOnMultiplyBits: false,
  blockRamShapes: BRAM18_SHAPES,
  blockRamAsYosys: false,
  lutMemoryDepth: 64,
  weightMemory: "auto",
  multipliers: "dsp",
  runtimeWeights: false,
  lutRam: true,
  logicLutScale: 1,
  controlLut: 150,
  adderRowProducts: false,
};

/**
 * Flip-flops measured by Yosys over the formula below (1.3–2.1 on the calibration set,
 * docs/resource-estimates.md): the formula omits ROM output and adder-tree stage registers and
 * the valid chains, so it is scaled to stay on the safe side.
 */
const FF_CALIBRATION = 2.2;

/** Fixed per-layer control registers (fold counters, stream handshakes, the pipeline valid chain). */
const CONTROL_FF = 150;

export interface MemoryCost {
  /** LUTs used as memory (LUT RAM/ROM; without LUT RAM, a buffer's read multiplexer). */
  lut: number;
  /** Flip-flops holding a written memory built from logic (parts without LUT RAM). */
  ff?: number;
  /** LUTs selecting among stacked block RAMs. */
  mux: number;
  bram18: number;
  /** URAM288s; present only for a memory in UltraRAM. */
  uram?: number;
}

const NO_MEMORY: MemoryCost = { lut: 0, mux: 0, bram18: 0 };

/**
 * Cost of one memory in the style the hardware gives it (the one memory policy,
 * src/core/memory-style.ts, asked with the same request the generator makes): LUT RAM/ROM takes
 * ⌈depth/lutMemoryDepth⌉ LUTs per bit; block RAM its BRAM18s (or the board's block RAM shape)
 * plus, when deep, the LUTs that select among stacked BRAMs; UltraRAM ⌈depth/4096⌉·⌈width/72⌉
 * URAM288s (deeper ones cascade inside the URAM column, no LUTs).
 */
export function memoryCost(
  use: MemoryUse,
  depth: number,
  width: number,
  options: EstimateOptions = {},
  /** The user's choice and whether the table is runtime-writable, as the generator asks. */
  request: Pick<MemoryRequest, "choice" | "writable"> = {},
): MemoryCost {
  if (depth === 0 || width === 0) return NO_MEMORY;
  const o = { ...DEFAULTS, ...options };
  switch (memoryPlacement({ use, depth, width, ...request }, { lutRam: o.lutRam }).style) {
    case "block":
      return {
        ...NO_MEMORY,
        mux: blockMuxLut(depth, width),
        bram18: o.blockRamAsYosys
          ? blocksAsYosys(depth, width, o.blockRamShapes)
          : bram18For(depth, width, o.blockRamShapes),
      };
    case "ultra":
      return { ...NO_MEMORY, uram: Math.ceil(depth / URAM_DEPTH) * Math.ceil(width / URAM_WIDTH) };
    default:
      if (!o.lutRam && use !== "table") return logicRam(depth, width);
      return request.writable
        ? writableLutRam(depth, width, o.lutMemoryDepth)
        : { ...NO_MEMORY, lut: Math.ceil(depth / o.lutMemoryDepth) * width };
  }
}

/**
 * A written memory (buffer, FIFO) on a part without LUT RAM: a flip-flop per bit and, per bit, a
 * depth-to-1 read multiplexer of about depth/2 LUT4s (iCE40, where Yosys builds it from logic).
 */
function logicRam(depth: number, width: number): MemoryCost {
  return { ...NO_MEMORY, lut: Math.ceil(depth / 2) * width, ff: depth * width };
}

/**
 * A runtime-writable table in LUT RAM: Yosys builds it from RAM64M8 (8 LUTs, 7 data bits of 64
 * words with a write port) and selects among the 64-word banks with one LUT6 (a 4:1 multiplexer)
 * per bit and factor of 4 (bench/mvau-styles.ts, 256 × 64 bits per PE, two PEs: 1,733 LUTs
 * occupied against 1,311 with LUT ROM; charged 768 for the two memories against 512).
 */
function writableLutRam(depth: number, width: number, lutDepth: number): MemoryCost {
  const banks = Math.ceil(depth / lutDepth);
  const mux = banks > 1 ? width * Math.ceil(Math.log2(banks) / 2) : 0;
  return { ...NO_MEMORY, lut: banks * Math.ceil(width / 7) * 8, mux };
}

/**
 * LUTs that select the output of a deep block memory among its stacked BRAMs: Yosys measured one
 * LUT3 per bit for 4096 words and one LUT6 per bit for 16384 (bench/calibrate-estimate.ts notes);
 * charged as width per factor of 4 beyond 1024 words.
 */
export function blockMuxLut(depth: number, width: number): number {
  return depth > 1024 ? width * Math.ceil(Math.log2(depth / 1024) / 2) : 0;
}

/**
 * Blocks for a depth × width memory in the shape Yosys's `memory_libmap` picks for a one-port
 * ROM or buffer: the lowest cost of 64 per block plus ½ per bit of the multiplexer that joins
 * stacked banks ((banks − 1) · width), where a shape of D words × W bits needs ⌈depth/D⌉ banks
 * and ⌈banks · width / W⌉ blocks (banks share blocks). So a 6272 × 16 table takes 26 EBRs as
 * 512 × 8 (13 banks), not 25 as 256 × 16 (25 banks): measured with synth_ice40.
 */
export function blocksAsYosys(
  depth: number,
  width: number,
  shapes: ReadonlyArray<readonly [number, number]>,
): number {
  const options = shapes.map(([d, w]) => {
    const banks = Math.ceil(depth / d);
    const blocks = Math.ceil((banks * width) / w);
    return { blocks, cost: 64 * blocks + 0.5 * (banks - 1) * width };
  });
  return options.reduce((best, o) => (o.cost < best.cost ? o : best)).blocks;
}

/** Block RAMs (BRAM18s by default) for a depth × width memory in its best aspect ratio. */
export function bram18For(depth: number, width: number, shapes = BRAM18_SHAPES): number {
  return Math.min(...shapes.map(([d, w]) => Math.ceil(depth / d) * Math.ceil(width / w)));
}

/** The multi-threshold activation of one PE: comparators, threshold storage, extra registers. */
export interface ThresholdCost {
  search: "parallel" | "binary" | "none";
  lut: number;
  /** LUTs of `lut` holding threshold tables (LUT ROM). */
  lutram: number;
  bram18: number;
  /** Registers outside the calibrated FF formula (the binary search's pipeline). */
  ff: number;
}

/**
 * What the generator builds for `count` thresholds of `accBits` in `nf` folds (src/lib/threshold,
 * `resolveSearch` picks the structure as the hardware does). Thresholds are constants when one
 * row is shared or there is a single fold.
 * - parallel: count comparators (⌈acc/2⌉ LUTs each, ⌈acc/4⌉ against constants) and, with
 *   per-channel rows, one table of NF words × count·acc bits (`memoryCost`).
 * - binary: B = ⌈log2(count + 1)⌉ comparators (⌈acc/2⌉ LUTs; stage 0's against a constant when
 *   the thresholds are constants, ⌈acc/4⌉), and per stage k
 *   a table of tableFolds·2^k words × acc bits (tableFolds = NF, or 1 for constants): none for
 *   one word, a multiplexer of constants (acc LUTs) for up to 4, else LUT ROM (⌈depth/64⌉·acc)
 *   or block RAM as the hardware decides (`memoryCost`: ≥ 64 words and ≥ 8 Kbit). Registers:
 *   the value carried through B − 1 stages, the count's bits (1 + 2 + … + B) and each table's
 *   acc-bit output register.
 */
export function thresholdCost(
  count: number,
  accBits: number,
  nf: number,
  shared: boolean,
  options: EstimateOptions = {},
): ThresholdCost {
  if (count === 0) return { search: "none", lut: 0, lutram: 0, bram18: 0, ff: 0 };
  const constant = shared || nf === 1;
  const search = resolveSearch("auto", count, !constant);
  if (search === "parallel") {
    const cmp = count * Math.ceil(accBits / (constant ? 4 : 2));
    const mem = constant ? NO_MEMORY : memoryCost("table", nf, count * accBits, options);
    return { search, lut: cmp + mem.mux + mem.lut, lutram: mem.lut, bram18: mem.bram18, ff: 0 };
  }
  const stages = searchStages(count);
  const tableFolds = shared ? 1 : nf;
  let lutram = 0;
  let mux = 0;
  let bram18 = 0;
  let tables = 0;
  for (let k = 0; k < stages; k++) {
    const words = tableFolds * 2 ** k;
    if (words === 1) continue;
    if (tableFolds === 1 && words <= 4) {
      mux += accBits;
      continue;
    }
    tables++;
    const table = memoryCost("table", words, accBits, options);
    bram18 += table.bram18;
    mux += table.mux;
    lutram += table.lut;
  }
  // Stage 0 compares with a constant when the thresholds are constants.
  const cmp =
    (constant ? Math.ceil(accBits / 4) : Math.ceil(accBits / 2)) + (stages - 1) * Math.ceil(accBits / 2);
  const lut = cmp + mux + lutram;
  const ff = (stages - 1) * accBits + (stages * (stages + 1)) / 2 + tables * accBits;
  return { search, lut, lutram, bram18, ff };
}

/** Each PE's weight memory: NF · SF words of SIMD weights. */
export function weightTable(shape: LayerShape, f: Folding): { depth: number; width: number } {
  return { depth: (shape.mh / f.pe) * (shape.mw / f.simd), width: f.simd * shape.weightBits };
}

/** Cycles one input vector takes in the MVAU: SF · NF = (MW / SIMD) · (MH / PE). */
export function vectorCycles(shape: LayerShape, f: Folding): number {
  return (shape.mw / f.simd) * (shape.mh / f.pe);
}

/**
 * The sliding windows of a conv layer at a folding: the convolution's (SIMD channels of the
 * padded input per beat, or at SIMD = KH·KW·C the parallel window, convWindowFolding) and the max-pool's (PE channels of the activation's output per beat,
 * as the MVAU emits them), with the line-buffer depth the compiler builds (pipelineWindowDepth).
 * The plan builds these very windows.
 */
export function convWindows(
  shape: LayerShape,
  f: Folding,
): { window: SlidingWindowParams; pool?: SlidingWindowParams } | undefined {
  const c = shape.conv;
  if (!c) return undefined;
  const window: SlidingWindowParams = {
    height: c.paddedHeight,
    width: c.paddedWidth,
    channels: c.inShape[2],
    kernel: c.kernel,
    stride: c.stride,
    elementBits: shape.inputBits,
    ...convWindowFolding(c.kernel, c.inShape[2], f.simd),
  };
  const pool = c.pool ? { ...c.pool, channels: shape.mh, simd: f.pe, elementBits: shape.outBits } : undefined;
  const deepened = (p: SlidingWindowParams) => ({ ...p, depth: pipelineWindowDepth(p) });
  return { window: deepened(window), pool: pool && deepened(pool) };
}

/**
 * Cycles per image of a layer at full rate: the MVAU's vectors · SF · NF (OH·OW·(KH·KW·C/SIMD)·(OC/PE)
 * for a conv), or a conv layer's window or max-pool when one of them is slower (each passes one
 * beat per cycle; slidingWindowCycles). The padding unit's beats are the window's input beats.
 * A parallel window and its MVAU pace each other (parallelWindowCycles).
 */
export function layerCycles(shape: LayerShape, f: Folding): number {
  const mvau = shape.vectors * vectorCycles(shape, f);
  const w = convWindows(shape, f);
  if (!w) return mvau;
  const window = w.window.parallel
    ? parallelWindowCycles(w.window, vectorCycles(shape, f))
    : slidingWindowCycles(w.window);
  return Math.max(mvau, window, w.pool ? slidingWindowCycles(w.pool) : 0);
}

/**
 * Resources of a conv layer's blocks beside the MVAU, fitted to the Yosys figures of docs/conv.md
 * (synth_xilinx, bench/conv-blocks.ts): a window is its line buffer (the one memory policy, as
 * the hardware asks it) plus about 170 + B LUTs and 80 + 3B FFs for counters, the `lead`
 * register and the B-bit credit queue (B = beat bits), a parallel window its own logic
 * (parallelWindowLogic); the max-pool adds its own window, about
 * 6 LUTs per beat bit for comparators and the running-maximum memory, and a B-bit skid buffer;
 * the padding unit about 40 + B LUTs and 20 + 2B FFs.
 */
export function convBlocksEstimate(
  shape: LayerShape,
  f: Folding,
  options: EstimateOptions = {},
): ResourceEstimate {
  const w = convWindows(shape, f);
  const total: ResourceEstimate = { lut: 0, ff: 0, bram18: 0, bram36: 0, dsp: 0, lutram: 0, uram: 0 };
  if (!w) return total;
  const addWindow = (p: SlidingWindowParams) => {
    const s = slidingWindowShape(p);
    const mem = memoryCost("buffer", s.depth, s.lineWidth, options);
    const logic = s.parallel
      ? parallelWindowLogic(s, p.kernel)
      : { lut: 170 + s.beatWidth, ff: 80 + 3 * s.beatWidth };
    total.lut += logic.lut + mem.lut + mem.mux;
    total.lutram += mem.lut;
    total.ff += logic.ff + (mem.ff ?? 0);
    total.bram18 += mem.bram18;
    return s.beatWidth;
  };
  const inBeat = addWindow(w.window);
  if (shape.conv!.padded) {
    total.lut += 40 + inBeat;
    total.ff += 20 + 2 * inBeat;
  }
  if (w.pool) {
    const beat = addWindow(w.pool);
    total.lut += 6 * beat;
    total.ff += 2 * beat;
  }
  total.bram36 = total.bram18 / 2;
  return total;
}

/**
 * A parallel window's logic beside its line buffer (B = pixel bits, Bo = KH·KW·B window bits,
 * L = (KH − 1)·B line-buffer word): 40 + 2B + Bo LUTs (counters, the queue's 3:1 output
 * multiplexer per window bit) and 30 + B + L + KH·(KW − 1)·B + 3·Bo FFs (the pixel, the word
 * read, the register window, three queue slots). Yosys (bench/conv-blocks.ts): 130 LUTs (3 as
 * LUT RAM) / 316 FFs at 64×64×1 8-bit, 769 (19) / 2,332 at 34×34×16 4-bit; the formula without
 * the line buffer 128 / 318 and 744 / 2,334.
 */
function parallelWindowLogic(s: SlidingWindowShape, kernel: readonly [number, number]) {
  const registers = kernel[0] * (kernel[1] - 1) * s.beatWidth;
  const line = s.depth > 0 ? s.lineWidth : 0;
  return {
    lut: 40 + 2 * s.beatWidth + s.outBeatWidth,
    ff: 30 + s.beatWidth + line + registers + 3 * s.outBeatWidth,
  };
}

/** True when the layer's products go to DSP slices (never with `lut` multipliers). */
export function usesDsp(
  shape: LayerShape,
  options: EstimateOptions = {},
  multipliers?: MultiplierStyle,
): boolean {
  const { dspMinBits, dspMinProductBits } = { ...DEFAULTS, ...options };
  const [a, w] =
    options.dspOnMultiplyBits && shape.multiplyBits
      ? shape.multiplyBits
      : [shape.inputBits, shape.weightBits];
  return (
    (multipliers ?? options.multipliers) !== "lut" &&
    !shape.xnor &&
    w >= dspMinBits &&
    a >= dspMinBits &&
    w + a >= dspMinProductBits
  );
}

/** Resources of one layer: its MVAU and, for a conv, the padding, window and max-pool. */
export function estimateLayer(
  shape: LayerShape,
  f: Folding,
  options: EstimateOptions = {},
): ResourceEstimate {
  const mvau = estimateMvau(shape, f, options);
  const e = shape.conv ? sumEstimates([mvau, convBlocksEstimate(shape, f, options)]) : mvau;
  const scale = options.logicLutScale ?? DEFAULTS.logicLutScale;
  return scale === 1 ? e : { ...e, lut: e.lutram + Math.ceil(scale * (e.lut - e.lutram)) };
}

function estimateMvau(shape: LayerShape, f: Folding, options: EstimateOptions): ResourceEstimate {
  const { pe, simd } = f;
  const o = { ...DEFAULTS, ...options };
  const sf = shape.mw / simd;
  const nf = shape.mh / pe;
  const lanes = pe * simd;
  const w = shape.weightBits;
  const a = shape.inputBits;
  const dsp = usesDsp(shape, options, f.multipliers);
  // Multiplier per lane: XNOR gate; a 1-bit side is a select/negate; otherwise an array multiplier.
  const oneBit = w === 1 || a === 1;
  const productBits = shape.xnor ? 1 : oneBit ? Math.max(w, a) + 1 : w + a;
  // A product in a DSP slice still costs LUTs around it in Yosys's mapping (measured 2.2–7.7
  // per lane on the calibration set, growing with the operand widths): ⌈(w + a)/2⌉ per lane.
  // LUT multipliers (`lutProduct`): one adder row per bit of the narrower operand, each as wide
  // as the other operand plus a sign bit and a carry, plus the row selects (Yosys: 78–90 LUTs
  // per INT8 × INT8 product, bench/mvau-styles.ts; charged 88).
  // On iCE40 (`adderRowProducts`) a product with both operands of 3 or more bits is built the
  // same way, and each partial-product bit takes a LUT4 of its own besides (min·max more).
  const rowProduct = o.adderRowProducts && Math.min(w, a) >= 3;
  const lutMultipliers = (f.multipliers ?? o.multipliers) === "lut" || rowProduct;
  const multLut = shape.xnor
    ? 1
    : dsp
      ? Math.ceil((w + a) / 2)
      : oneBit
        ? Math.max(w, a)
        : lutMultipliers
          ? Math.min(w, a) * (Math.max(w, a) + 3) + (rowProduct ? w * a : 0)
          : w * a;
  // PEs share a DSP multiplier in groups of `fields` when packing applies (dsp-packing.ts): one
  // DSP per group and lane, plus the logic that forms the packed weight and splits the product.
  // Overlapping fields add, per field above the first, the canary gates and the carry's
  // subtraction (c bits each). Registers: each multiplier's wide product and canaries.
  const packing = shape.dspPacking && dsp && pe >= 2 ? shape.dspPacking : NO_PACKING;
  const fields = Math.min(packing.fields, pe);
  const groups = Math.ceil(pe / fields);
  const multipliers = fields > 1 ? simd * groups : lanes;
  const packLut = fields > 1 ? simd * (pe - groups) * (packing.spacing + w + 2 * packing.canaryBits) : 0;
  const productFf = fields > 1 ? simd * groups * packing.registerBits : lanes * productBits;
  // An unpacked product takes ⌈·/27⌉ × ⌈·/18⌉ DSP48 slices, the wider operand on the 27-bit
  // port (a 20-bit layer input passed on without a quantizer times 8-bit weights: one slice).
  const slices = Math.min(Math.ceil(w / 27) * Math.ceil(a / 18), Math.ceil(a / 27) * Math.ceil(w / 18));
  const dspCount = dsp ? (fields > 1 ? multipliers : lanes * slices) : 0;
  // Adder tree of SIMD products per PE, growing by log2(SIMD) bits; then the accumulator.
  const treeLevels = Math.ceil(Math.log2(simd));
  const treeLut = (simd - 1) * (productBits + treeLevels);
  // The tree registers its partial sums every 2 levels (outside the scaled formula below, which
  // under-counted them for wide XNOR layers).
  let treeFf = 0;
  for (let level = 2; level <= treeLevels; level += 2)
    treeFf += Math.ceil(simd / 2 ** level) * (productBits + level);
  const accLut = shape.accBits;
  // The activation: comparators and threshold storage, parallel or binary search (per PE).
  const act = thresholdCost(shape.thresholdCount, shape.accBits, nf, shape.sharedThresholds, options);
  // A ReLU clamp with no quantizer: the sign bit zeroes each output bit (one LUT per bit).
  const clampLut = shape.clamp ? shape.outBits : 0;
  // The request the MVAU makes for each PE's weight memory (mvau.ts, weightStyle).
  const table = weightTable(shape, f);
  const weights = memoryCost("table", table.depth, table.width, options, {
    choice: f.weightMemory ?? o.weightMemory,
    writable: o.runtimeWeights,
  });
  const weightMux = weights.mux;
  // The input vector is buffered (two banks of SF words) and replayed for each neuron fold (not
  // needed when NF = 1); block RAM or LUT RAM as the memory policy places the buffer.
  const inputBuffer = nf > 1 ? memoryCost("buffer", 2 * sf, simd * a, options) : NO_MEMORY;
  const lutram = pe * (weights.lut + act.lutram) + inputBuffer.lut;
  const lut =
    o.controlLut +
    inputBuffer.mux +
    multipliers * multLut +
    packLut +
    pe * (treeLut + accLut + clampLut + weightMux + act.lut - act.lutram) +
    lutram;
  // Runtime weights: the top level gathers each weight line from 64-bit beats (accelerator.ts);
  // Yosys keeps exactly those bits (bench/weight-port.ts).
  const gatherFf = o.runtimeWeights ? weightGatherBits(pe * simd * w) : 0;
  const ff =
    Math.ceil(FF_CALIBRATION * (CONTROL_FF + productFf + pe * (shape.accBits + shape.outBits) + simd * a)) +
    pe * (act.ff + treeFf) +
    gatherFf +
    (inputBuffer.ff ?? 0);
  const bram18 = pe * (weights.bram18 + act.bram18) + inputBuffer.bram18;
  return { lut, ff, bram18, bram36: bram18 / 2, uram: pe * (weights.uram ?? 0), dsp: dspCount, lutram };
}

export function sumEstimates(list: readonly ResourceEstimate[]): ResourceEstimate {
  const total: ResourceEstimate = { lut: 0, ff: 0, bram18: 0, bram36: 0, uram: 0, dsp: 0, lutram: 0 };
  for (const e of list) {
    total.lut += e.lut;
    total.ff += e.ff;
    total.bram18 += e.bram18;
    total.uram += e.uram;
    total.dsp += e.dsp;
    total.lutram += e.lutram;
  }
  total.bram36 = total.bram18 / 2;
  return total;
}
