// Content framing: crops each image to where its brightness mass lies and resizes that box back
// to the full size, so the chest's position in the frame, and a chest recorded smaller, no longer
// show in the input. Anatomy that a tighter recording cut off at the edges cannot come back, so a
// chest recorded larger still looks larger (docs/training.md, protocol 6). Integer arithmetic
// only, so the host that feeds the accelerator reproduces it bit for bit.
import { resizeArea } from "./resize.js";

/** An inclusive pixel range along one axis. */
export interface Extent {
  lo: number;
  hi: number;
}

export interface FrameBox {
  x: Extent;
  y: Extent;
}

export class FrameError extends Error {}

/** Largest tail percentage: both tails together must leave some mass between them. */
export const MAX_FRAME_PERCENT = 40;

/**
 * The range of a 1-D profile that holds its mass above the profile's minimum, less `percent` %
 * of that mass in each tail: lo is the first index whose running sum exceeds the tail, hi the
 * last one counted from the other end. Never narrower than half the axis (a box grown about
 * its centre, kept inside the axis), so a nearly flat or empty image is not blown up.
 */
export function massExtent(profile: ArrayLike<number>, percent: number): Extent {
  const n = profile.length;
  let base = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) base = Math.min(base, profile[i]!);
  let total = 0;
  for (let i = 0; i < n; i++) total += profile[i]! - base;
  if (total === 0) return { lo: 0, hi: n - 1 };
  const tail = percent * total;
  let lo = 0;
  for (let run = 0; lo < n; lo++) {
    run += profile[lo]! - base;
    if (100 * run > tail) break;
  }
  let hi = n - 1;
  for (let run = 0; hi >= 0; hi--) {
    run += profile[hi]! - base;
    if (100 * run > tail) break;
  }
  const least = Math.ceil(n / 2);
  if (hi - lo + 1 >= least) return { lo, hi };
  const start = Math.min(n - least, Math.max(0, Math.floor((lo + hi + 1 - least) / 2)));
  return { lo: start, hi: start + least - 1 };
}

/** The framing box of a width × height image: column and row sums, each cut by massExtent. */
export function frameBox(px: Uint8Array, width: number, height: number, percent: number): FrameBox {
  const cols = new Float64Array(width);
  const rows = new Float64Array(height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = px[y * width + x]!;
      cols[x]! += v;
      rows[y]! += v;
    }
  }
  return { x: massExtent(cols, percent), y: massExtent(rows, percent) };
}

/** Crops to frameBox and resizes the box back to width × height by exact area averaging. */
export function frameImage(px: Uint8Array, width: number, height: number, percent: number): Uint8Array {
  if (!Number.isInteger(percent) || percent < 0 || percent > MAX_FRAME_PERCENT) {
    throw new FrameError(`frame ${percent}: expected an integer percent in 0..${MAX_FRAME_PERCENT}`);
  }
  if (percent === 0) return px;
  const box = frameBox(px, width, height, percent);
  const w = box.x.hi - box.x.lo + 1;
  const h = box.y.hi - box.y.lo + 1;
  const pixels = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const from = (y + box.y.lo) * width + box.x.lo;
    pixels.set(px.subarray(from, from + w), y * w);
  }
  return resizeArea({ width: w, height: h, pixels }, width, height);
}
