// Resource estimate of one folded MVAU layer. A simple analytic model in the spirit of FINN's
// own estimates (docs/resource-estimates.md explains every term); it ranks foldings, it does not replace
// synthesis.
import type { LayerShape } from "./layer-shape.js";

export interface Folding {
  pe: number;
  simd: number;
}

export interface ResourceEstimate {
  lut: number;
  ff: number;
  /** 18 Kib block RAM halves; bram36 = bram18 / 2. */
  bram18: number;
  bram36: number;
  dsp: number;
  /** LUTs of lut, used as distributed RAM (already included in lut). */
  lutram: number;
}

export interface EstimateOptions {
  /** Memories this shallow go to distributed RAM (one LUT6 holds 64 × 1 bit). Default 64. */
  lutramMaxDepth?: number;
  /** Memories this small (bits) go to distributed RAM whatever their shape. Default 4096. */
  lutramMaxBits?: number;
  /** Multipliers use a DSP slice when both operands have at least this many bits. Default 5. */
  dspMinBits?: number;
  /** A product this wide or wider goes to a DSP slice (Yosys maps a 4 × 4-bit product there). Default 8. */
  dspMinProductBits?: number;
}

const DEFAULTS: Required<EstimateOptions> = {
  lutramMaxDepth: 64,
  lutramMaxBits: 4096,
  dspMinBits: 2,
  dspMinProductBits: 8,
};

/**
 * Flip-flops measured by Yosys over the formula below (1.3–2.1 on the calibration set,
 * docs/resource-estimates.md): the formula omits ROM output and adder-tree stage registers and
 * the valid chains, so it is scaled to stay on the safe side.
 */
const FF_CALIBRATION = 2.2;

/** Fixed per-layer control logic (fold counters, stream handshakes). */
const CONTROL_LUT = 100;
const CONTROL_FF = 150;

/** BRAM18 aspect ratios (depth × width), simple dual port. */
const BRAM18_SHAPES: ReadonlyArray<[number, number]> = [
  [16384, 1],
  [8192, 2],
  [4096, 4],
  [2048, 9],
  [1024, 18],
  [512, 36],
];

/** Cost of one depth × width memory: distributed RAM when shallow or small, else block RAM. */
export function memoryCost(
  depth: number,
  width: number,
  options: EstimateOptions = {},
): { lut: number; bram18: number } {
  const o = { ...DEFAULTS, ...options };
  if (depth === 0 || width === 0) return { lut: 0, bram18: 0 };
  if (depth <= o.lutramMaxDepth || depth * width <= o.lutramMaxBits) {
    return { lut: Math.ceil(depth / 64) * width, bram18: 0 };
  }
  const bram18 = Math.min(...BRAM18_SHAPES.map(([d, w]) => Math.ceil(depth / d) * Math.ceil(width / w)));
  return { lut: 0, bram18 };
}

/** Cycles one input vector takes: SF · NF = (MW / SIMD) · (MH / PE). */
export function layerCycles(shape: LayerShape, f: Folding): number {
  return (shape.mw / f.simd) * (shape.mh / f.pe);
}

export function usesDsp(shape: LayerShape, options: EstimateOptions = {}): boolean {
  const { dspMinBits, dspMinProductBits } = { ...DEFAULTS, ...options };
  return (
    !shape.xnor &&
    shape.weightBits >= dspMinBits &&
    shape.inputBits >= dspMinBits &&
    shape.weightBits + shape.inputBits >= dspMinProductBits
  );
}

export function estimateLayer(
  shape: LayerShape,
  f: Folding,
  options: EstimateOptions = {},
): ResourceEstimate {
  const { pe, simd } = f;
  const sf = shape.mw / simd;
  const nf = shape.mh / pe;
  const lanes = pe * simd;
  const w = shape.weightBits;
  const a = shape.inputBits;
  const dsp = usesDsp(shape, options);
  // Multiplier per lane: XNOR gate; a 1-bit side is a select/negate; otherwise an array multiplier.
  const oneBit = w === 1 || a === 1;
  const productBits = shape.xnor ? 1 : oneBit ? Math.max(w, a) + 1 : w + a;
  const multLut = shape.xnor ? 1 : dsp ? 0 : oneBit ? Math.max(w, a) : w * a;
  const dspCount = dsp ? lanes * Math.ceil(w / 27) * Math.ceil(a / 18) : 0;
  // Adder tree of SIMD products per PE, growing by log2(SIMD) bits; then the accumulator.
  const treeLut = (simd - 1) * (productBits + Math.ceil(Math.log2(simd)));
  const accLut = shape.accBits;
  // Comparators run in parallel against every threshold (constants when shared: half the LUTs).
  const cmpLut = shape.thresholdCount * Math.ceil(shape.accBits / (shape.sharedThresholds ? 4 : 2));
  const weights = memoryCost(nf * sf, simd * w, options);
  const thresholds = shape.sharedThresholds
    ? { lut: 0, bram18: 0 }
    : memoryCost(nf, shape.thresholdCount * shape.accBits, options);
  // The input vector is buffered and replayed for each neuron fold (not needed when NF = 1).
  const inputBuffer = nf > 1 ? memoryCost(sf, simd * a, options) : { lut: 0, bram18: 0 };
  const lutram = pe * (weights.lut + thresholds.lut) + inputBuffer.lut;
  const lut = CONTROL_LUT + lanes * multLut + pe * (treeLut + accLut + cmpLut) + lutram;
  const ff = Math.ceil(
    FF_CALIBRATION * (CONTROL_FF + lanes * productBits + pe * (shape.accBits + shape.outBits) + simd * a),
  );
  const bram18 = pe * (weights.bram18 + thresholds.bram18) + inputBuffer.bram18;
  return { lut, ff, bram18, bram36: bram18 / 2, dsp: dspCount, lutram };
}

export function sumEstimates(list: readonly ResourceEstimate[]): ResourceEstimate {
  const total: ResourceEstimate = { lut: 0, ff: 0, bram18: 0, bram36: 0, dsp: 0, lutram: 0 };
  for (const e of list) {
    total.lut += e.lut;
    total.ff += e.ff;
    total.bram18 += e.bram18;
    total.dsp += e.dsp;
    total.lutram += e.lutram;
  }
  total.bram36 = total.bram18 / 2;
  return total;
}
