// Accumulator ranges. Hardware widths come from the exact range the real weights can reach, not
// from a fixed 32 bits; the worst case from datatypes alone is kept for comparison and for
// weights that are not yet known. BIPOLAR × BIPOLAR layers accumulate a popcount instead.
import { type DataType, maxValue, minValue, smallestTypeFor } from "./datatypes.js";

export interface Range {
  lo: bigint;
  hi: bigint;
}

/** True when the hardware computes the dot product as popcount(xnor(x, w)). */
export function isXnorLayer(inDt: DataType, wDt: DataType): boolean {
  return inDt.kind === "BIPOLAR" && wDt.kind === "BIPOLAR";
}

/** Smallest of a list of bigints (Math.min does not take bigints); 0 for an empty list. */
export function minBig(values: readonly bigint[]): bigint {
  let m = values[0] ?? 0n;
  for (const v of values) if (v < m) m = v;
  return m;
}

/** Largest of a list of bigints; 0 for an empty list. */
export function maxBig(values: readonly bigint[]): bigint {
  let m = values[0] ?? 0n;
  for (const v of values) if (v > m) m = v;
  return m;
}

/** Exact range of one output channel's dot product over every input vector of inDt. */
export function rowAccumulatorRange(inDt: DataType, row: readonly bigint[]): Range {
  const xMin = minValue(inDt);
  const xMax = maxValue(inDt);
  let lo = 0n;
  let hi = 0n;
  for (const w of row) {
    const a = w * xMin;
    const b = w * xMax;
    if (a <= b) {
      lo += a;
      hi += b;
    } else {
      lo += b;
      hi += a;
    }
  }
  return { lo, hi };
}

/** Exact range over all channels (the union of the row ranges), in ±1-sum form for XNOR layers. */
export function exactAccumulatorRange(inDt: DataType, weights: readonly (readonly bigint[])[]): Range {
  const rows = weights.map((row) => rowAccumulatorRange(inDt, row));
  return {
    lo: minBig(rows.map((r) => r.lo)),
    hi: maxBig(rows.map((r) => r.hi)),
  };
}

/** Range reachable by any MW weights of wDt on inputs of inDt. */
export function worstCaseAccumulatorRange(inDt: DataType, wDt: DataType, mw: number): Range {
  const corners = [minValue(wDt), maxValue(wDt)].flatMap((w) => [w * minValue(inDt), w * maxValue(inDt)]);
  return { lo: minBig(corners) * BigInt(mw), hi: maxBig(corners) * BigInt(mw) };
}

/** The accumulator a dense layer's hardware keeps (popcount form for XNOR layers). */
export interface DenseAccumulator {
  xnor: boolean;
  /** Range of each output channel: exact from the weights when given, else the datatypes' worst case. */
  rows: Range[];
  /** Union of the rows. */
  range: Range;
  /** Smallest INT/UINT holding `range`: the accumulator's datatype. */
  type: DataType;
}

/**
 * The one computation of a dense layer's accumulator range and width, for the model analysis
 * (layer-accumulator.ts, the estimate) and the MVAU generator (lib/mvau/params.ts) alike.
 */
export function denseAccumulator(
  inDt: DataType,
  wDt: DataType,
  mw: number,
  mh: number,
  weights?: readonly (readonly bigint[])[],
): DenseAccumulator {
  const xnor = isXnorLayer(inDt, wDt);
  const rows: Range[] = xnor
    ? Array.from({ length: mh }, () => popcountRange(mw))
    : weights
      ? weights.map((row) => rowAccumulatorRange(inDt, row))
      : Array.from({ length: mh }, () => worstCaseAccumulatorRange(inDt, wDt, mw));
  const range = { lo: minBig(rows.map((r) => r.lo)), hi: maxBig(rows.map((r) => r.hi)) };
  return { xnor, rows, range, type: smallestTypeFor(range.lo, range.hi) };
}

/**
 * Values a layer with no quantizer passes on: acc + bias over each channel's accumulator range,
 * clamped at zero when a ReLU follows (max(acc + bias, 0)). One computation for the model's
 * layer types, the importer and the MVAU's output width.
 */
export function passedOnRange(
  rows: readonly Range[],
  bias: readonly bigint[] | undefined,
  relu: boolean,
): Range {
  const lo = minBig(rows.map((r, c) => r.lo + (bias?.[c] ?? 0n)));
  const hi = maxBig(rows.map((r, c) => r.hi + (bias?.[c] ?? 0n)));
  return relu ? { lo: lo < 0n ? 0n : lo, hi: hi < 0n ? 0n : hi } : { lo, hi };
}

/** The ReLU clamp of a passed-on value: max(v, 0). */
export function clampAtZero(v: bigint): bigint {
  return v < 0n ? 0n : v;
}

/**
 * Smallest INT/UINT holding the accumulator range and every threshold compared against it
 * (a threshold of hi + 1 means "never", and the comparator must still represent it).
 */
export function accumulatorType(range: Range, thresholds: readonly (readonly bigint[])[] = []): DataType {
  let { lo, hi } = range;
  for (const row of thresholds) {
    for (const t of row) {
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
  }
  return smallestTypeFor(lo, hi);
}

// --- XNOR (BIPOLAR × BIPOLAR) forms -------------------------------------------------------
// sum = Σ x·w over ±1 values; pop = #{i : x_i = w_i} = popcount(xnor). sum = 2·pop − MW.

/** Popcount range of an XNOR layer: always [0, MW]. */
export function popcountRange(mw: number): Range {
  return { lo: 0n, hi: BigInt(mw) };
}

export function popcountToSum(pop: bigint, mw: number): bigint {
  return 2n * pop - BigInt(mw);
}

export function sumToPopcount(sum: bigint, mw: number): bigint {
  const twice = sum + BigInt(mw);
  if (twice % 2n !== 0n) throw new Error(`±1 sum ${sum} has the wrong parity for MW = ${mw}`);
  return twice / 2n;
}

/**
 * Threshold on the ±1 sum → threshold on the popcount: sum ≥ T ⇔ pop ≥ ceil((T + MW) / 2).
 * Clipped to [0, MW + 1], which keeps the meaning because pop ∈ [0, MW].
 */
export function thresholdSumToPopcount(t: bigint, mw: number): bigint {
  const p = ceilDiv(t + BigInt(mw), 2n);
  const max = BigInt(mw) + 1n;
  return p < 0n ? 0n : p > max ? max : p;
}

/** Threshold on the popcount → threshold on the ±1 sum: pop ≥ P ⇔ sum ≥ 2P − MW. */
export function thresholdPopcountToSum(p: bigint, mw: number): bigint {
  return 2n * p - BigInt(mw);
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b; // truncates toward zero
  return q * b < a ? q + 1n : q;
}
