// FINN's weight layout: row r of the MH × MW matrix goes to PE r mod PE; PE p's memory holds
// word nf·SF + sf = the SIMD weights of row nf·PE + p, columns sf·SIMD … sf·SIMD + SIMD − 1,
// element i at bits [(i+1)·W−1 : i·W].
import { type DataType, encode } from "../../core/datatypes.js";

/** Packs values of `dt` into one word, element 0 in the least significant bits. */
export function packElements(values: readonly bigint[], dt: DataType): bigint {
  let word = 0n;
  values.forEach((v, i) => {
    word |= encode(dt, v) << BigInt(i * dt.bits);
  });
  return word;
}

/** Unpacks `count` elements of `dt` from a word (the inverse of packElements). */
export function unpackElements(word: bigint, count: number, bits: number): bigint[] {
  const mask = (1n << BigInt(bits)) - 1n;
  return Array.from({ length: count }, (_, i) => (word >> BigInt(i * bits)) & mask);
}

/** The per-PE weight memory images: result[p][nf·SF + sf]. */
export function weightWords(
  weights: readonly (readonly bigint[])[],
  simd: number,
  pe: number,
  dt: DataType,
): bigint[][] {
  const mh = weights.length;
  const mw = weights[0]!.length;
  const sf = mw / simd;
  const nf = mh / pe;
  return Array.from({ length: pe }, (_, p) => {
    const words: bigint[] = [];
    for (let f = 0; f < nf; f++) {
      const row = weights[f * pe + p]!;
      for (let s = 0; s < sf; s++) words.push(packElements(row.slice(s * simd, (s + 1) * simd), dt));
    }
    return words;
  });
}

/**
 * Widest beat of a runtime weight-load stream at the accelerator's top level. A load runs once
 * per weight set, so a narrow DMA costs nothing that matters; 64 bits is the narrowest HP port
 * width of a Zynq-7000 PS.
 */
export const WEIGHT_BEAT_MAX_BITS = 64;

/** A weight-load line (PE · SIMD · W bits) padded as FINN pads a memory line: a power of two ≥ 32 bits. */
export function paddedLineBits(lineBits: number): number {
  let p = 32;
  while (p < lineBits) p *= 2;
  return p;
}

/** Flip-flops that gather a padded line from weight beats at the top level (none when one beat holds it). */
export function weightGatherBits(lineBits: number): number {
  return Math.max(0, paddedLineBits(lineBits) - WEIGHT_BEAT_MAX_BITS);
}
