// MNIST in its original IDX format (optionally gzipped): images are UINT8 rows × cols, row-major;
// labels are UINT8 0..9. Header (big-endian): magic 0x00000803 images / 0x00000801 labels, count,
// then rows and cols for images.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { LoomError } from "../core/errors.js";

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count · rows · cols pixels. */
  pixels: Uint8Array;
}

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;

/** File bytes, gunzipped when they start with the gzip signature. */
export function readIdxBytes(path: string): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch {
    throw new LoomError("data", `cannot read ${path}`);
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw);
    } catch (e) {
      throw new LoomError("data", `${path}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  return raw;
}

function header(bytes: Uint8Array, words: number, what: string): number[] {
  if (bytes.length < 4 * words)
    throw new LoomError("data", `${what}: ${bytes.length} bytes is too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: words }, (_, i) => view.getUint32(4 * i, false));
}

export function parseIdxImages(bytes: Uint8Array, what = "images"): IdxImages {
  const [magic, count, rows, cols] = header(bytes, 4, what);
  if (magic !== IMAGES_MAGIC) {
    throw new LoomError(
      "data",
      `${what}: bad magic 0x${magic!.toString(16).padStart(8, "0")}, expected 0x00000803 (IDX unsigned-byte images)`,
    );
  }
  const expected = 16 + count! * rows! * cols!;
  if (bytes.length !== expected) {
    throw new LoomError(
      "data",
      `${what}: ${bytes.length} bytes, expected ${expected} for ${count} images of ${rows}×${cols}`,
    );
  }
  return { count: count!, rows: rows!, cols: cols!, pixels: bytes.subarray(16) };
}

export function parseIdxLabels(bytes: Uint8Array, what = "labels"): Uint8Array {
  const [magic, count] = header(bytes, 2, what);
  if (magic !== LABELS_MAGIC) {
    throw new LoomError(
      "data",
      `${what}: bad magic 0x${magic!.toString(16).padStart(8, "0")}, expected 0x00000801 (IDX unsigned-byte labels)`,
    );
  }
  if (bytes.length !== 8 + count!)
    throw new LoomError("data", `${what}: ${bytes.length} bytes, expected ${8 + count!} for ${count} labels`);
  const labels = bytes.subarray(8);
  const bad = labels.findIndex((l) => l > 9);
  if (bad >= 0) throw new LoomError("data", `${what}: label ${bad} is ${labels[bad]}, expected 0..9`);
  return labels;
}

export interface MnistSet {
  images: IdxImages;
  labels: Uint8Array;
  /** Image i's pixels (rows · cols bytes). */
  image(i: number): Uint8Array;
}

/** Reads an images file and a labels file (gzipped or not) and checks they match. */
export function loadMnist(imagesPath: string, labelsPath: string): MnistSet {
  const images = parseIdxImages(readIdxBytes(imagesPath), imagesPath);
  const labels = parseIdxLabels(readIdxBytes(labelsPath), labelsPath);
  if (labels.length !== images.count) {
    throw new LoomError(
      "data",
      `${imagesPath} has ${images.count} images but ${labelsPath} has ${labels.length} labels`,
    );
  }
  const size = images.rows * images.cols;
  return { images, labels, image: (i) => images.pixels.subarray(i * size, (i + 1) * size) };
}

/** The MNIST test split as shipped in ../shared/data/mnist (or another directory with the same names). */
export function loadMnistTest(dir: string): MnistSet {
  return loadMnist(`${dir}/t10k-images-idx3-ubyte.gz`, `${dir}/t10k-labels-idx1-ubyte.gz`);
}
