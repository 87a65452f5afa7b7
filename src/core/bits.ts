// Bit widths of integer ranges: the one implementation the model analysis, the ONNX importer and
// the hardware generators size their accumulators, datatypes and counters with.

/**
 * Bits of the smallest integer type holding every value in [lo, hi]: two's complement when
 * lo < 0, else unsigned; at least 1. Non-integer bounds are widened to the enclosing integers.
 */
export function bitsFor(lo: bigint | number, hi: bigint | number): number {
  const l = typeof lo === "bigint" ? lo : BigInt(Math.floor(lo));
  const h = typeof hi === "bigint" ? hi : BigInt(Math.ceil(hi));
  if (l >= 0n) return Math.max(1, h.toString(2).length);
  // n signed bits hold −2^(n−1) … 2^(n−1) − 1.
  const magnitude = (v: bigint) => (v < 0n ? -v - 1n : v).toString(2).length;
  return Math.max(magnitude(l), h > 0n ? magnitude(h) : 0) + 1;
}

/** Bits of an unsigned counter or index that must reach n (n ≥ 0). */
export function countBits(n: number): number {
  return bitsFor(0, n);
}
