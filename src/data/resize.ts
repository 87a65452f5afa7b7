// Exact area-averaging resize in integer arithmetic. Source pixel i spans [i·dw, (i+1)·dw)
// and destination pixel x spans [x·sw, (x+1)·sw) on a common grid scaled by sw·dw, so every
// overlap is an integer; each output is the overlap-weighted sum divided by sw·sh, rounded
// half up. No floating point is involved, so any host reproduces the codes bit for bit.
import type { GrayImage } from "./decode.js";

/** Overlap weights of destination cells against source cells along one axis. */
function axisWeights(src: number, dst: number): Array<Array<[index: number, weight: number]>> {
  const cells: Array<Array<[number, number]>> = [];
  for (let x = 0; x < dst; x++) {
    const lo = x * src;
    const hi = (x + 1) * src;
    const row: Array<[number, number]> = [];
    for (let i = Math.floor(lo / dst); i * dst < hi && i < src; i++) {
      const w = Math.min(hi, (i + 1) * dst) - Math.max(lo, i * dst);
      if (w > 0) row.push([i, w]);
    }
    cells.push(row);
  }
  return cells;
}

export function resizeArea(img: GrayImage, width: number, height: number): Uint8Array {
  const { width: sw, height: sh, pixels } = img;
  if (sw === width && sh === height) return pixels.slice();
  const wx = axisWeights(sw, width);
  const wy = axisWeights(sh, height);
  // Sums stay below 255·sw·dw·sh·dh; exact in doubles for images up to ~2^22 pixels per side product.
  const total = sw * sh;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (const [iy, w1] of wy[y]!) {
        const base = iy * sw;
        let rowSum = 0;
        for (const [ix, w2] of wx[x]!) rowSum += w2 * pixels[base + ix]!;
        sum += w1 * rowSum;
      }
      // sum / (sw·sh) since the weights along each axis add up to sw (x) and sh (y).
      out[y * width + x] = Math.floor((2 * sum + total) / (2 * total));
    }
  }
  return out;
}
