// Decodes PNG and JPEG files to 8-bit grayscale. Colour images are converted with an exact
// integer luma (BT.601 weights 77/150/29 out of 256, round half up), so every host gets the
// same codes; for the chest X-ray data R = G = B and the conversion is the identity.
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { LoomError } from "../core/errors.js";
import { headerSize, MAX_IMAGE_PIXELS, sizeProblem } from "./image-size.js";

export interface GrayImage {
  width: number;
  height: number;
  /** Row-major 8-bit codes. */
  pixels: Uint8Array;
}

/** An image that cannot be read: a user's file, so reported as one line. */
export class ImageDecodeError extends LoomError {
  override name = "ImageDecodeError";
  constructor(message: string) {
    super("data", message);
  }
}

export const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg"];

/** Integer luma of one RGB pixel: exact for R = G = B (77 + 150 + 29 = 256). */
export function luma(r: number, g: number, b: number): number {
  return (77 * r + 150 * g + 29 * b + 128) >> 8;
}

/** Converts interleaved RGBA data to gray, compositing alpha over black (a = 255 keeps the pixel). */
export function rgbaToGray(data: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < out.length; i++, p += 4) {
    const y = luma(data[p]!, data[p + 1]!, data[p + 2]!);
    const a = data[p + 3]!;
    out[i] = a === 255 ? y : Math.floor((y * a + 127) / 255);
  }
  return out;
}

/**
 * The size an image file declares, checked before anything is decoded: a known extension, a
 * header with the size, and a size loom accepts. Undefined for an unknown extension.
 */
export function imageHeader(buf: Uint8Array, name: string): { width: number; height: number } | undefined {
  const ext = extname(name).toLowerCase();
  if (!IMAGE_EXTENSIONS.includes(ext)) return undefined;
  const size = headerSize(buf);
  if (!size) {
    throw new ImageDecodeError(
      `cannot decode image ${name}: no ${ext === ".png" ? "PNG" : "JPEG"} header with its size`,
    );
  }
  const problem = sizeProblem(size);
  if (problem) throw new ImageDecodeError(`image ${name} ${problem}`);
  return size;
}

export function decodeImageBuffer(buf: Uint8Array, name: string): GrayImage {
  const ext = extname(name).toLowerCase();
  imageHeader(buf, name);
  try {
    if (ext === ".png") {
      // pngjs expands every colour type and bit depth to 8-bit RGBA.
      const png = PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
      return { width: png.width, height: png.height, pixels: rgbaToGray(png.data, png.width, png.height) };
    }
    if (ext === ".jpg" || ext === ".jpeg") {
      const img = jpeg.decode(buf, {
        useTArray: true,
        formatAsRGBA: true,
        maxMemoryUsageInMB: 512,
        maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      });
      return { width: img.width, height: img.height, pixels: rgbaToGray(img.data, img.width, img.height) };
    }
  } catch (err) {
    throw new ImageDecodeError(`cannot decode image ${name}: ${(err as Error).message}`);
  }
  throw unsupported(name);
}

function unsupported(name: string): ImageDecodeError {
  return new ImageDecodeError(`unsupported image type ${name} (expected ${IMAGE_EXTENSIONS.join(", ")})`);
}

function readImageFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ImageDecodeError(`cannot read image ${path}: ${(err as Error).message}`);
  }
}

/** Checks a file's type and declared size without decoding it (imageHeader). */
export function checkImageFile(path: string): { width: number; height: number } {
  const size = imageHeader(readImageFile(path), path);
  if (!size) throw unsupported(path);
  return size;
}

export function decodeImageFile(path: string): GrayImage {
  const buf = readImageFile(path);
  const img = decodeImageBuffer(buf, path);
  if (img.width <= 0 || img.height <= 0) throw new ImageDecodeError(`image ${path} is empty`);
  return img;
}
