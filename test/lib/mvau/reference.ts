// Test-side reference for MVAU runs: input beats and expected output beats from the golden
// models in src/nn/golden, with packing written out here (independent of the generator).

import { clampAtZero } from "../../../src/core/accumulator.js";
import type { DataType } from "../../../src/core/datatypes.js";
import type { MvauParams } from "../../../src/lib/mvau/index.js";
import { multiThreshold, mvauGolden } from "../../../src/model/golden/index.js";

/** Bit pattern of one value: two's complement in `bits`, BIPOLAR −1 → 0, +1 → 1. */
export function bitsOf(v: bigint, dt: DataType): bigint {
  if (dt.kind === "BIPOLAR") return v > 0n ? 1n : 0n;
  return BigInt.asUintN(dt.bits, v);
}

export function pack(values: readonly bigint[], dt: DataType): bigint {
  let w = 0n;
  for (let i = values.length - 1; i >= 0; i--) w = (w << BigInt(dt.bits)) | bitsOf(values[i]!, dt);
  return w;
}

export function unpack(word: bigint, count: number, bits: number): bigint[] {
  return Array.from({ length: count }, (_, i) => (word >> BigInt(i * bits)) & ((1n << BigInt(bits)) - 1n));
}

/** Input beats: each vector in SF beats of SIMD elements. */
export function inputBeats(p: MvauParams, vectors: readonly bigint[][]): bigint[] {
  const beats: bigint[] = [];
  for (const v of vectors)
    for (let s = 0; s < p.mw / p.simd; s++)
      beats.push(pack(v.slice(s * p.simd, (s + 1) * p.simd), p.inputType));
  return beats;
}

/** Expected per-channel integer outputs of one vector (popcount form for XNOR layers). */
export function expectedValues(p: MvauParams, vector: readonly bigint[]): bigint[] {
  const w = p.weights.map((row) => row.map((x) => BigInt(x)));
  const acc = mvauGolden(vector, w, p.inputType, p.weightType);
  const a = p.activation;
  if (a.kind === "thresholds") {
    return acc.map((v, c) => {
      const row = (a.thresholds.length === 1 ? a.thresholds[0]! : a.thresholds[c]!).map((t) => BigInt(t));
      return multiThreshold(v, row, Number(a.outBias ?? 0), a.outputType);
    });
  }
  const biased = a.bias
    ? acc.map((v, c) => v + BigInt(a.bias!.length === 1 ? a.bias![0]! : a.bias![c]!))
    : acc;
  return a.relu ? biased.map(clampAtZero) : biased;
}

/** Output beats of one vector: NF beats of PE values, element p of beat f = channel f·PE + p. */
export function expectedBeats(p: MvauParams, vector: readonly bigint[], outType: DataType): bigint[] {
  const y = expectedValues(p, vector);
  const beats: bigint[] = [];
  for (let f = 0; f < p.mh / p.pe; f++) beats.push(pack(y.slice(f * p.pe, (f + 1) * p.pe), outType));
  return beats;
}

/**
 * The weight-load beats a host sends for runtime weights, written out from the layout's
 * definition (FINN's): beat nf·SF + sf carries, for PE p from the low bits up, row nf·PE + p's
 * columns sf·SIMD … sf·SIMD + SIMD − 1, element 0 lowest.
 */
export function weightLoadBeats(p: MvauParams): bigint[] {
  const wordBits = BigInt(p.simd * p.weightType.bits);
  const beats: bigint[] = [];
  for (let f = 0; f < p.mh / p.pe; f++)
    for (let s = 0; s < p.mw / p.simd; s++) {
      let beat = 0n;
      for (let pe = p.pe - 1; pe >= 0; pe--) {
        const row = p.weights[f * p.pe + pe]!.slice(s * p.simd, (s + 1) * p.simd).map((v) => BigInt(v));
        beat = (beat << wordBits) | pack(row, p.weightType);
      }
      beats.push(beat);
    }
  return beats;
}
