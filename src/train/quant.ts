// Quantizers shared by the fake-quant training pass and the exporter, so that the codes the
// network trained with are exactly the codes written to the model file.

import { roundHalfEven } from "../model/golden/rounding.js";

/**
 * Clip (in units of the row's RMS) that minimizes quantization MSE of a Gaussian for a narrow
 * symmetric b-bit grid (Max 1960 step sizes × qmax). Trained weights have heavier tails, so the
 * clip is also capped at the row's max |w|; at 8 bits this is essentially max-abs scaling.
 */
const GAUSS_CLIP: Record<number, number> = { 2: 1.22, 3: 1.95, 4: 2.45, 5: 2.85, 6: 3.25, 7: 3.65, 8: 3.95 };

export interface QuantizedWeights {
  /** Integer codes (as floats), same layout as the weights. */
  codes: Float32Array;
  /** One scale per row (per-channel) or the same scale repeated (per-tensor). */
  scale: Float64Array;
}

/** Largest code magnitude of a narrow signed grid; 1-bit weights are bipolar (±1). */
export function weightQmax(bits: number): number {
  return bits === 1 ? 1 : 2 ** (bits - 1) - 1;
}

function rowStats(
  w: Float32Array,
  from: number,
  to: number,
): { maxAbs: number; rms: number; meanAbs: number } {
  let maxAbs = 0;
  let sq = 0;
  let abs = 0;
  for (let i = from; i < to; i++) {
    const a = Math.abs(w[i]!);
    if (a > maxAbs) maxAbs = a;
    sq += a * a;
    abs += a;
  }
  const n = Math.max(1, to - from);
  return { maxAbs, rms: Math.sqrt(sq / n), meanAbs: abs / n };
}

function scaleFor(bits: number, s: { maxAbs: number; rms: number; meanAbs: number }): number {
  // Bipolar weights: the scale that minimizes ‖w − s·sign(w)‖² is mean |w|.
  if (bits === 1) return Math.max(s.meanAbs, 1e-12);
  const k = GAUSS_CLIP[bits] ?? Number.POSITIVE_INFINITY;
  return Math.max(Math.min(s.maxAbs, k * s.rms), 1e-12) / weightQmax(bits);
}

/** Quantizes a rows×cols matrix with narrow-range codes; scale per row or per tensor. */
export function quantizeWeights(
  w: Float32Array,
  rows: number,
  cols: number,
  bits: number,
  perChannel: boolean,
): QuantizedWeights {
  const scale = new Float64Array(rows);
  if (perChannel) {
    for (let r = 0; r < rows; r++) scale[r] = scaleFor(bits, rowStats(w, r * cols, (r + 1) * cols));
  } else scale.fill(scaleFor(bits, rowStats(w, 0, rows * cols)));
  const codes = new Float32Array(w.length);
  const qmax = weightQmax(bits);
  for (let r = 0; r < rows; r++) {
    const s = scale[r]!;
    for (let i = r * cols; i < (r + 1) * cols; i++) {
      if (bits === 1) codes[i] = w[i]! >= 0 ? 1 : -1;
      else codes[i] = Math.min(qmax, Math.max(-qmax, roundHalfEven(w[i]! / s)));
    }
  }
  return { codes, scale };
}

/**
 * Unsigned activation code of a pre-activation z (ReLU folded in): clamp(round(z/qs), 0, 2^b−1),
 * the training graph's form of the golden float activation (src/model/golden/float-activation.ts)
 * for an unsigned, non-narrow ROUND quantizer, which is what the exporter writes.
 */
export function activationCode(z: number, qs: number, levels: number): number {
  return Math.min(levels, Math.max(0, roundHalfEven(z / qs)));
}

/**
 * A layer's bias snapped to its accumulator grid (weight scale × input scale per channel), as
 * the integers k of bias = k · accumulator scale: what the fake-quant pass adds and the exporter writes.
 */
export function biasCodes(bias: ArrayLike<number>, wScale: ArrayLike<number>, inScale: number): number[] {
  return Array.from({ length: bias.length }, (_, c) => roundHalfEven(bias[c]! / (wScale[c]! * inScale)));
}
