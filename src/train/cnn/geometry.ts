// Output sizes and zero padding of sliding-window layers for the trainer, from the golden
// model's definitions. "same" follows TensorFlow: out = ceil(in / stride), and when the total
// padding is odd the extra row or column goes at the bottom or right (asymmetric at stride 2).
import { samePadding, windowCount } from "../../core/window.js";

export type Padding = "valid" | "same" | number;

export interface Window1d {
  out: number;
  /** Zeros before the first input (top or left). */
  before: number;
  /** Zeros after the last input (bottom or right). */
  after: number;
}

/**
 * One axis of a window of size k, stride s over `size` inputs with the given padding; `out` is 0
 * when the window does not fit. The padding and the window count are the golden model's
 * (`samePadding`, `windowCount`), so trainer and hardware agree on every layer's shape.
 */
export function window1d(size: number, k: number, s: number, pad: Padding): Window1d {
  const explicit = typeof pad === "number" ? pad : 0;
  const [before, after] = pad === "same" ? samePadding(size, k, s) : [explicit, explicit];
  const padded = size + before + after;
  return { out: padded >= k ? windowCount(padded, k, s) : 0, before, after };
}

/** Activation shape in NHWC order (batch excluded). */
export interface Shape {
  h: number;
  w: number;
  c: number;
}

export const shapeSize = (s: Shape): number => s.h * s.w * s.c;
export const shapeText = (s: Shape): string => `${s.h}x${s.w}x${s.c}`;
