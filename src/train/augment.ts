// Training-time augmentation on UINT8 images: small integer shifts (edge pixels repeated) and
// contrast/brightness jitter around the image mean. Results are rounded back to integer codes,
// because the accelerator only ever sees integer pixels.
import type { Rng } from "./rng.js";

export interface AugmentOptions {
  /** Largest shift in pixels along each axis. */
  shift: number;
  /** Contrast factor drawn from [1 − contrast, 1 + contrast]. */
  contrast: number;
  /** Brightness offset drawn from ±brightness·255. */
  brightness: number;
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
  let mean = 0;
  if (opts.contrast > 0) {
    for (const v of src) mean += v;
    mean /= src.length;
  }
  for (let y = 0; y < height; y++) {
    const sy = Math.min(height - 1, Math.max(0, y - dy));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(width - 1, Math.max(0, x - dx));
      const v = src[sy * width + sx]!;
      const a = Math.min(255, Math.max(0, Math.round((v - mean) * c + mean + bright)));
      dst[offset + y * width + x] = a * scale;
    }
  }
}
