// Border crop before resizing: removes a percentage of the source image at each side (burned-in
// markers, shoulders, arms, abdomen) so the classifier sees mostly the lung field. Margins are
// whole pixels, floor(size · percent / 100), so a host reproduces the crop exactly at any
// source resolution.
import type { GrayImage } from "./decode.js";

/** Percent of the source height (top, bottom) or width (left, right) removed at each side. */
export interface Crop {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export const NO_CROP: Crop = { top: 0, bottom: 0, left: 0, right: 0 };

export class CropError extends Error {}

export function isNoCrop(c: Crop | undefined): boolean {
  return !c || (c.top === 0 && c.bottom === 0 && c.left === 0 && c.right === 0);
}

/**
 * Parses "10" (all sides) or "T,B,L,R" in integer percent; opposite sides must leave some image.
 * `name` (e.g. the command-line option) starts the error message.
 */
export function parseCrop(text: string, name = "crop"): Crop {
  const parts = text.split(",").map((s) => s.trim());
  const values = parts.map(Number);
  if (
    (parts.length !== 1 && parts.length !== 4) ||
    values.some((v, i) => parts[i] === "" || !Number.isInteger(v) || v < 0 || v > 99)
  ) {
    throw new CropError(
      `${name} ${text}: expected one integer percent for all sides or four as top,bottom,left,right (0..99 each)`,
    );
  }
  const [top, bottom, left, right] =
    values.length === 1 ? [values[0]!, values[0]!, values[0]!, values[0]!] : values;
  const crop = { top: top!, bottom: bottom!, left: left!, right: right! };
  if (crop.top + crop.bottom >= 100 || crop.left + crop.right >= 100) {
    throw new CropError(`${name} ${text}: top + bottom and left + right must each stay below 100 %`);
  }
  return crop;
}

/** The pixel margins a crop removes from a width × height image. */
export function cropMargins(c: Crop, width: number, height: number): Crop {
  const px = (pct: number, size: number) => Math.floor((size * pct) / 100);
  return {
    top: px(c.top, height),
    bottom: px(c.bottom, height),
    left: px(c.left, width),
    right: px(c.right, width),
  };
}

/** A short label for cache keys and reports, e.g. "5,15,10,10". */
export function cropLabel(c: Crop): string {
  return `${c.top},${c.bottom},${c.left},${c.right}`;
}

export function cropImage(img: GrayImage, c: Crop, name: string): GrayImage {
  if (isNoCrop(c)) return img;
  const m = cropMargins(c, img.width, img.height);
  const width = img.width - m.left - m.right;
  const height = img.height - m.top - m.bottom;
  if (width < 1 || height < 1) {
    throw new CropError(
      `${name}: a crop of ${cropLabel(c)} % leaves nothing of a ${img.width}×${img.height} image`,
    );
  }
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = (y + m.top) * img.width + m.left;
    pixels.set(img.pixels.subarray(from, from + width), y * width);
  }
  return { width, height, pixels };
}
