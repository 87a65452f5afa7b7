// Output sizes and zero padding of sliding-window layers, one place for the trainer. "same"
// follows TensorFlow: out = ceil(in / stride), and when the total padding is odd the extra row
// or column goes at the bottom or right (asymmetric at stride 2 on even sizes).

export type Padding = "valid" | "same" | number;

export interface Window1d {
  out: number;
  /** Zeros before the first input (top or left). */
  before: number;
  /** Zeros after the last input (bottom or right). */
  after: number;
}

/** One axis of a window of size k, stride s over `size` inputs with the given padding. */
export function window1d(size: number, k: number, s: number, pad: Padding): Window1d {
  if (pad === "same") {
    const out = Math.ceil(size / s);
    const total = Math.max(0, (out - 1) * s + k - size);
    return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
  }
  const p = pad === "valid" ? 0 : pad;
  return { out: Math.floor((size + 2 * p - k) / s) + 1, before: p, after: p };
}

/** Activation shape in NHWC order (batch excluded). */
export interface Shape {
  h: number;
  w: number;
  c: number;
}

export const shapeSize = (s: Shape): number => s.h * s.w * s.c;
export const shapeText = (s: Shape): string => `${s.h}x${s.w}x${s.c}`;
