// Training-time augmentation on UINT8 images: small shifts, optional zoom, contrast/brightness
// jitter around the image mean and optional gamma jitter. Results are rounded back to integer
// codes, because the accelerator only ever sees integer pixels. Random draws are made only for
// enabled options, so adding an option never changes the runs that do not use it.
import type { Rng } from "../core/rng.js";

export interface AugmentOptions {
  /** Largest shift in pixels along each axis. */
  shift: number;
  /** Contrast factor drawn from [1 − contrast, 1 + contrast]. */
  contrast: number;
  /** Brightness offset drawn from ±brightness·255. */
  brightness: number;
  /** Zoom factor drawn from [1 − zoom, 1 + zoom] about the centre (bilinear); 0 = off. */
  zoom?: number;
  /**
   * Aspect jitter: x and y zooms differ by a factor drawn from exp(±aspect) (split evenly).
   * The source images were squashed to a square whatever their shape, so aspect varies. 0 = off.
   */
  aspect?: number;
  /** Gamma drawn from exp(±gamma): v ↦ 255·(v/255)^γ, a non-linear exposure change; 0 = off. */
  gamma?: number;
}

export const NO_AUGMENT: AugmentOptions = { shift: 0, contrast: 0, brightness: 0 };

/** Writes the augmented image, scaled by `scale`, into dst[offset …]. */
export function augmentInto(
  src: Uint8Array,
  width: number,
  height: number,
  opts: AugmentOptions,
  rng: Rng,
  dst: Float32Array,
  offset: number,
  scale: number,
): void {
  const dx = opts.shift > 0 ? rng.int(2 * opts.shift + 1) - opts.shift : 0;
  const dy = opts.shift > 0 ? rng.int(2 * opts.shift + 1) - opts.shift : 0;
  const c = 1 + opts.contrast * (2 * rng.next() - 1);
  const bright = opts.brightness * 255 * (2 * rng.next() - 1);
  const zoom = opts.zoom ? 1 + opts.zoom * (2 * rng.next() - 1) : 1;
  const stretch = opts.aspect ? Math.exp((opts.aspect * (2 * rng.next() - 1)) / 2) : 1;
  const zx = zoom * stretch;
  const zy = zoom / stretch;
  const gamma = opts.gamma ? Math.exp(opts.gamma * (2 * rng.next() - 1)) : 1;
  let mean = 0;
  if (opts.contrast > 0) {
    for (const v of src) mean += v;
    mean /= src.length;
  }
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v: number;
      if (zx === 1 && zy === 1) {
        const sy = Math.min(height - 1, Math.max(0, y - dy));
        const sx = Math.min(width - 1, Math.max(0, x - dx));
        v = src[sy * width + sx]!;
      } else v = bilinear(src, width, height, (x - dx - cx) / zx + cx, (y - dy - cy) / zy + cy);
      if (gamma !== 1) v = 255 * (v / 255) ** gamma;
      const a = Math.min(255, Math.max(0, Math.round((v - mean) * c + mean + bright)));
      dst[offset + y * width + x] = a * scale;
    }
  }
}

/** Bilinear sample with edge pixels repeated outside the image. */
function bilinear(src: Uint8Array, w: number, h: number, x: number, y: number): number {
  const xc = Math.min(w - 1, Math.max(0, x));
  const yc = Math.min(h - 1, Math.max(0, y));
  const x0 = Math.floor(xc);
  const y0 = Math.floor(yc);
  const x1 = Math.min(w - 1, x0 + 1);
  const y1 = Math.min(h - 1, y0 + 1);
  const fx = xc - x0;
  const fy = yc - y0;
  const top = src[y0 * w + x0]! * (1 - fx) + src[y0 * w + x1]! * fx;
  const bottom = src[y1 * w + x0]! * (1 - fx) + src[y1 * w + x1]! * fx;
  return top * (1 - fy) + bottom * fy;
}
