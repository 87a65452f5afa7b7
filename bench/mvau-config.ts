// The MVAU configurations the benchmarks measure, with seeded weights and thresholds.
import type { MvauParams } from "../src/lib/mvau/index.js";

/** A small seeded generator (LCG) so every run measures the same design. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
}

const ascending = (values: bigint[]) => values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** An 8-bit layer (INT8 inputs and weights) with 4-bit threshold outputs (15 thresholds). */
export function int8Layer(mw: number, mh: number, simd: number, pe: number, seed = 1): MvauParams {
  const next = lcg(seed);
  const weights = Array.from({ length: mh }, () =>
    Array.from({ length: mw }, () => BigInt((next() % 256) - 128)),
  );
  const spread = BigInt(Math.round(Math.sqrt(mw) * 128 * 64));
  const thresholds = Array.from({ length: mh }, () =>
    ascending(Array.from({ length: 15 }, () => BigInt(next() % Number(2n * spread)) - spread)),
  );
  return {
    name: "bench",
    mw,
    mh,
    simd,
    pe,
    inputType: { kind: "INT", bits: 8 },
    weightType: { kind: "INT", bits: 8 },
    weights,
    activation: { kind: "thresholds", thresholds, outputType: { kind: "UINT", bits: 4 } },
  };
}

/** The mid-size configuration of the resource and speed figures. */
export const midSize = () => int8Layer(256, 64, 16, 8);
