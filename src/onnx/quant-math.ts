// Scalar arithmetic of QONNX's quantizers (qonnx custom_op/general: intquant, trunc), as its
// numpy code computes it on float32 tensors: every step rounded to float32.
import { roundHalfEven } from "../model/golden/rounding.js";
import { quantCodeRange } from "../model/layer-types.js";
import { OnnxError } from "./errors.js";
import { f32 } from "./tensor.js";

const MODES: Record<string, (x: number) => number> = {
  ROUND: roundHalfEven,
  HALF_EVEN: roundHalfEven,
  CEIL: Math.ceil,
  FLOOR: Math.floor,
  ROUND_TO_ZERO: Math.trunc,
  DOWN: Math.trunc,
  UP: (x) => Math.sign(x) * Math.ceil(Math.abs(x)),
  HALF_UP: (x) => Math.sign(x) * Math.floor(Math.abs(x) + 0.5),
  HALF_DOWN: (x) => Math.sign(x) * Math.ceil(Math.abs(x) - 0.5),
};

export const ROUNDING_MODES = Object.keys(MODES);

export function roundingFunction(mode: string, where: string): (x: number) => number {
  const f = MODES[mode.toUpperCase()];
  if (!f) throw new OnnxError(`${where}: rounding_mode "${mode}" is not one of ${ROUNDING_MODES.join(", ")}`);
  return f;
}

export interface QuantParams {
  bits: number;
  signed: boolean;
  narrow: boolean;
  round: (x: number) => number;
}

/**
 * QONNX Quant on one element, float32 throughout: q = round(clamp(x/s + z)), y = (q − z)·s.
 * A 1-bit signed Quant is bipolar: x/s + z ≥ 0 → +1, else −1.
 */
export function quantElement(x: number, s: number, z: number, p: QuantParams): number {
  let y = f32(f32(x / s) + z);
  if (p.bits === 1 && p.signed) y = y >= 0 ? 1 : -1;
  else {
    const { min, max } = quantCodeRange(p);
    if (y > max) y = max;
    if (y < min) y = min;
    y = p.round(y);
  }
  return f32(f32(y - z) * s);
}

/** QONNX BipolarQuant on one element: +s if x ≥ 0 (0 included), else −s. */
export function bipolarElement(x: number, s: number): number {
  return f32((x >= 0 ? 1 : -1) * s);
}

/** QONNX Trunc (v1) on one element: drop inBits − outBits low bits of the integer x/s + z. */
export function truncElement(
  x: number,
  s: number,
  z: number,
  inBits: number,
  outBits: number,
  round: (x: number) => number,
): number {
  let y = f32(f32(x / s) + z);
  y = roundHalfEven(y);
  y = f32(y / 2 ** (inBits - outBits));
  y = round(y);
  return f32(f32(y - z) * s);
}
