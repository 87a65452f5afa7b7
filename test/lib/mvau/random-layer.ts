// fast-check generators for MVAU layers: shapes with valid folds, datatypes, weights at and
// inside the range edges, ascending thresholds (with duplicates and out-of-range values) and
// input vectors. Ranges here are computed independently of the generator.
import fc from "fast-check";
import type { DataType } from "../../../src/core/datatypes.js";
import type { MvauActivation, MvauParams } from "../../../src/lib/mvau/index.js";

export const UINT = (bits: number): DataType =>
  bits === 1 ? { kind: "BINARY", bits: 1 } : { kind: "UINT", bits };
export const INT = (bits: number): DataType => ({ kind: "INT", bits });
export const BIPOLAR: DataType = { kind: "BIPOLAR", bits: 1 };

export const lo = (dt: DataType): bigint =>
  dt.kind === "INT" ? -(1n << BigInt(dt.bits - 1)) : dt.kind === "BIPOLAR" ? -1n : 0n;
export const hi = (dt: DataType): bigint =>
  dt.kind === "INT"
    ? (1n << BigInt(dt.bits - 1)) - 1n
    : dt.kind === "UINT"
      ? (1n << BigInt(dt.bits)) - 1n
      : 1n;

const minOf = (a: bigint, b: bigint) => (a < b ? a : b);
const maxOf = (a: bigint, b: bigint) => (a > b ? a : b);

const divisorsOf = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);

/** A value of dt, half the time at an edge of its range. */
export function anyValueOf(dt: DataType): fc.Arbitrary<bigint> {
  if (dt.kind === "BIPOLAR") return fc.constantFrom(-1n, 1n);
  return fc.oneof(fc.constantFrom(lo(dt), hi(dt)), fc.bigInt({ min: lo(dt), max: hi(dt) }));
}

/** Exact accumulator range of a row (popcount [0, MW] for XNOR), by brute-force corners. */
export function rowRange(inDt: DataType, wDt: DataType, row: readonly bigint[]): [bigint, bigint] {
  if (inDt.kind === "BIPOLAR" && wDt.kind === "BIPOLAR") return [0n, BigInt(row.length)];
  let a = 0n;
  let b = 0n;
  for (const w of row) {
    const p = [w * lo(inDt), w * hi(inDt)];
    a += minOf(p[0]!, p[1]!);
    b += maxOf(p[0]!, p[1]!);
  }
  return [a, b];
}

/** Ascending thresholds drawn around [rlo, rhi], with duplicates and values past both ends. */
function thresholdRow(count: number, rlo: bigint, rhi: bigint): fc.Arbitrary<bigint[]> {
  const v = fc.oneof(
    fc.constantFrom(rlo, rhi, rlo - 1n, rhi + 1n, rlo - 5n, rhi + 5n),
    fc.bigInt({ min: rlo, max: rhi > rlo ? rhi : rlo }),
  );
  return fc
    .array(v, { minLength: count, maxLength: count })
    .map((t) => [...t].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
}

const inputTypes = [UINT(1), UINT(2), UINT(4), UINT(8), INT(2), INT(3), INT(8), BIPOLAR];
const weightTypes = [INT(2), INT(4), INT(8), UINT(1), UINT(3), BIPOLAR];

export interface LayerCase {
  params: MvauParams;
  vectors: bigint[][];
}

export interface LayerLimits {
  maxMw?: number;
  maxMh?: number;
  maxVectors?: number;
  /** Force XNOR layers (BIPOLAR × BIPOLAR). */
  xnor?: boolean;
  /** Most thresholds per channel (default 7; above 7 the output types go up to 8 bits). */
  maxThresholds?: number;
  /** Fix the threshold search (default: any of undefined, auto, parallel, binary). */
  search?: "parallel" | "binary" | "auto";
  /** Only threshold activations (no `none`). */
  thresholdsOnly?: boolean;
  /** Only `none` clamped at zero (a ReLU with no quantizer). */
  clampOnly?: boolean;
}

export function layerCase(limits: LayerLimits = {}): fc.Arbitrary<LayerCase> {
  const shape = fc.record({
    mw: fc.integer({ min: 1, max: limits.maxMw ?? 24 }),
    mh: fc.integer({ min: 1, max: limits.maxMh ?? 8 }),
    inputType: limits.xnor ? fc.constant(BIPOLAR) : fc.constantFrom(...inputTypes),
    weightType: limits.xnor ? fc.constant(BIPOLAR) : fc.constantFrom(...weightTypes),
    levels: fc.integer({ min: 1, max: 3 }),
    dspPacking: fc.boolean(),
  });
  return shape.chain(({ mw, mh, inputType, weightType, levels, dspPacking }) =>
    fc
      .record({
        simd: fc.constantFrom(...divisorsOf(mw)),
        pe: fc.constantFrom(...divisorsOf(mh)),
        weights: fc.array(fc.array(anyValueOf(weightType), { minLength: mw, maxLength: mw }), {
          minLength: mh,
          maxLength: mh,
        }),
        vectors: fc.array(fc.array(anyValueOf(inputType), { minLength: mw, maxLength: mw }), {
          minLength: 1,
          maxLength: limits.maxVectors ?? 4,
        }),
      })
      .chain(({ simd, pe, weights, vectors }) =>
        activation(mh, inputType, weightType, weights, limits).map(
          (act): LayerCase => ({
            params: {
              mw,
              mh,
              simd,
              pe,
              inputType,
              weightType,
              weights,
              activation: act,
              treeLevelsPerStage: levels,
              dspPacking,
            },
            vectors,
          }),
        ),
      ),
  );
}

/** A threshold count in 1..max, often at or next to a power of two. */
function thresholdCount(max: number): fc.Arbitrary<number> {
  const edges = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 63, 64, 100, 127, 128, 200, 254, 255];
  return fc.oneof(fc.constantFrom(...edges.filter((n) => n <= max), max), fc.integer({ min: 1, max }));
}

function activation(
  mh: number,
  inDt: DataType,
  wDt: DataType,
  weights: bigint[][],
  limits: LayerLimits,
): fc.Arbitrary<MvauActivation> {
  const ranges = weights.map((r) => rowRange(inDt, wDt, r));
  const rlo = ranges.reduce((m, r) => minOf(m, r[0]), ranges[0]![0]);
  const rhi = ranges.reduce((m, r) => maxOf(m, r[1]), ranges[0]![1]);
  const none = fc.record({
    kind: fc.constant("none" as const),
    bias: fc.option(fc.array(fc.bigInt({ min: -40n, max: 40n }), { minLength: mh, maxLength: mh }), {
      nil: undefined,
    }),
    relu: limits.clampOnly ? fc.constant(true) : fc.boolean(),
  });
  if (limits.clampOnly) return none;
  const maxThresholds = limits.maxThresholds ?? 7;
  const outType = fc.constantFrom<DataType>(
    ...(maxThresholds > 7
      ? [UINT(1), UINT(3), UINT(5), UINT(8), INT(2), INT(4), INT(8), BIPOLAR]
      : [UINT(1), UINT(2), UINT(4), INT(2), INT(4), BIPOLAR]),
  );
  const search = limits.search
    ? fc.constant(limits.search)
    : fc.constantFrom(undefined, "auto" as const, "parallel" as const, "binary" as const);
  const thresholds = outType.chain((out) => {
    const count = out.kind === "BIPOLAR" ? 1 : Number(hi(out) - lo(out));
    return fc
      .record({
        global: fc.boolean(),
        n: thresholdCount(Math.min(count, maxThresholds)),
      })
      .chain(({ global, n }) =>
        fc.record({
          kind: fc.constant("thresholds" as const),
          outputType: fc.constant(out),
          outBias: fc.constant(out.kind === "BIPOLAR" ? 0n : lo(out)),
          thresholds: global
            ? thresholdRow(n, rlo, rhi).map((r) => [r])
            : fc.tuple(...ranges.map((r) => thresholdRow(n, r[0], r[1]))),
          search,
          thresholdMemory: fc.constantFrom(
            undefined,
            "auto" as const,
            "block" as const,
            "distributed" as const,
          ),
        }),
      );
  });
  return (limits.thresholdsOnly ? thresholds : fc.oneof(none, thresholds)) as fc.Arbitrary<MvauActivation>;
}
