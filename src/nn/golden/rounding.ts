// Rounding modes of the QONNX quantizer. ROUND is half-to-even like numpy.round, not half-up.

export type RoundingMode = "ROUND" | "FLOOR" | "CEIL";

/** Round half to even. x − floor(x) is exact in binary floating point, so ties are detected exactly. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const frac = x - f;
  if (frac < 0.5) return f;
  if (frac > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
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
