// One image → the model's input codes, exactly as the trainer's loader prepares it: border crop,
// exact area resize to the input size, then the per-image steps (framing, normalization). The
// dataset loader (load.ts), `loom sim --images` and `loom eval` on IDX files all go through here.
import { type Crop, cropImage, cropMargins, NO_CROP } from "./crop.js";
import { decodeImageFile, type GrayImage, ImageDecodeError } from "./decode.js";
import type { Normalization } from "./normalize.js";
import { applyPerImage, perImageStepsOf } from "./per-image.js";
import { resizeArea } from "./resize.js";

export interface Preprocess {
  width: number;
  height: number;
  crop?: Crop;
  frame?: number;
  normalize?: Normalization;
}

/**
 * What to do with an image (after its crop) whose size differs from the model's input: "resize"
 * it by area averaging, as training did (the default), or refuse it ("exact").
 */
export type SizePolicy = "resize" | "exact";
export const SIZE_POLICIES: readonly SizePolicy[] = ["resize", "exact"];

/**
 * Refuses, under the "exact" policy, an image whose size after the crop is not the model's input.
 * `size` is the whole image's (from its header, or decoded).
 */
export function checkSizePolicy(
  size: { width: number; height: number },
  o: Preprocess,
  name: string,
  policy: SizePolicy,
): void {
  if (policy !== "exact") return;
  const m = cropMargins(o.crop ?? NO_CROP, size.width, size.height);
  const width = size.width - m.left - m.right;
  const height = size.height - m.top - m.bottom;
  if (width !== o.width || height !== o.height) {
    throw new ImageDecodeError(
      `image ${name} is ${width}×${height} pixels${o.crop ? " after the crop" : ""}; the model takes ${o.width}×${o.height} (--size exact refuses to resize)`,
    );
  }
}

/** Crop and resize only: the part of the pipeline the loader caches. */
export function cropResize(
  img: GrayImage,
  o: Preprocess,
  name: string,
  policy: SizePolicy = "resize",
): Uint8Array {
  checkSizePolicy(img, o, name, policy);
  return resizeArea(cropImage(img, o.crop ?? NO_CROP, name), o.width, o.height);
}

/** Decoded pixels → input codes (row-major, width × height). */
export function preprocessPixels(
  img: GrayImage,
  o: Preprocess,
  name: string,
  policy?: SizePolicy,
): Uint8Array {
  return applyPerImage(cropResize(img, o, name, policy), o.width, o.height, perImageStepsOf(o));
}

/** An image file → input codes. */
export function preprocessImageFile(path: string, o: Preprocess, policy?: SizePolicy): Uint8Array {
  return preprocessPixels(decodeImageFile(path), o, path, policy);
}
