// Rounding modes of the QONNX quantizer. ROUND is half-to-even like numpy.round, not half-up.
// The one rounding implementation: the trainer, the golden model and the ONNX importer call it.

export type RoundingMode = "ROUND" | "FLOOR" | "CEIL";

/**
 * numpy.round: half to even, keeping numpy's sign of zero (−0.5 → −0). Math.round rounds
 * halves up exactly, and r − x is exact near r, so a tie is detected exactly.
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function roundBy(mode: RoundingMode, x: number): number {
  switch (mode) {
    case "ROUND":
      return roundHalfEven(x);
    case "FLOOR":
      return Math.floor(x);
    case "CEIL":
      return Math.ceil(x);
  }
}
