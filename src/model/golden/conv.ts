// Golden convolution and pooling on integer codes, one image in NHWC order (channels innermost,
// as the hardware streams it). Plain loops with no hardware code: the window order is FINN's
// ConvolutionInputGenerator order (kh, kw, channel), so a window row is exactly what the MVAU
// receives and a conv weight row is laid out (kh, kw, input channel) too.
import { allows, type DataType, dataTypeName } from "../../core/datatypes.js";
import { mvauGolden } from "./mvau.js";
import { type RoundingMode, roundBy } from "./rounding.js";

/** One image, NHWC with N = 1: value (y, x, c) at data[(y·width + x)·channels + c]. */
export interface Image<T extends bigint | number = bigint> {
  height: number;
  width: number;
  channels: number;
  data: T[];
}

/** Kernel and stride of a sliding window, [height, width] each. */
export interface Window2d {
  kernel: readonly [number, number];
  stride: readonly [number, number];
}

/** Rows and columns added on each side. */
export interface Padding2d {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export const NO_PADDING: Padding2d = { top: 0, bottom: 0, left: 0, right: 0 };

/** Output positions along one axis: ⌊(in − k) / s⌋ + 1 (ONNX/PyTorch floor mode, no padding). */
export function windowCount(size: number, kernel: number, stride: number): number {
  if (size < kernel) throw new RangeError(`a kernel of ${kernel} does not fit an image side of ${size}`);
  return Math.floor((size - kernel) / stride) + 1;
}

/** TensorFlow's "same" padding along one axis: output ⌈in / s⌉, the odd pixel at the end. */
export function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export function imageAt<T extends bigint | number>(img: Image<T>, y: number, x: number, c: number): T {
  return img.data[(y * img.width + x) * img.channels + c]!;
}

/** The image with `value` (the code that represents 0.0) added around it. */
export function padImage<T extends bigint | number>(img: Image<T>, pad: Padding2d, value: T): Image<T> {
  const height = img.height + pad.top + pad.bottom;
  const width = img.width + pad.left + pad.right;
  const data: T[] = [];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < img.channels; c++) {
        const iy = y - pad.top;
        const ix = x - pad.left;
        const inside = iy >= 0 && iy < img.height && ix >= 0 && ix < img.width;
        data.push(inside ? imageAt(img, iy, ix, c) : value);
      }
  return { height, width, channels: img.channels, data };
}

/**
 * im2col in FINN's order: one row per output pixel (row-major over oy, ox), each row the
 * KH·KW·C window values in (kh, kw, c) order.
 */
export function im2col<T extends bigint | number>(img: Image<T>, win: Window2d): T[][] {
  const [kh, kw] = win.kernel;
  const [sh, sw] = win.stride;
  const oh = windowCount(img.height, kh, sh);
  const ow = windowCount(img.width, kw, sw);
  const rows: T[][] = [];
  for (let oy = 0; oy < oh; oy++)
    for (let ox = 0; ox < ow; ox++) {
      const row: T[] = [];
      for (let ky = 0; ky < kh; ky++)
        for (let kx = 0; kx < kw; kx++)
          for (let c = 0; c < img.channels; c++) row.push(imageAt(img, oy * sh + ky, ox * sw + kx, c));
      rows.push(row);
    }
  return rows;
}

/** Output image of `rows` (one per output pixel, each `channels` long) over the window grid. */
function gridImage<T extends bigint | number>(img: Image<T>, win: Window2d, rows: T[][]): Image<T> {
  return {
    height: windowCount(img.height, win.kernel[0], win.stride[0]),
    width: windowCount(img.width, win.kernel[1], win.stride[1]),
    channels: rows[0]?.length ?? 0,
    data: rows.flat(),
  };
}

export interface ConvSpec extends Window2d {
  /** OC rows of KH·KW·C integers in (kh, kw, c) order: FINN's MVAU weight matrix. */
  weights: readonly (readonly bigint[])[];
  inputType: DataType;
  weightType: DataType;
  padding?: Padding2d;
  /** The code padding inserts (the one representing 0.0); required when padding is non-zero. */
  padValue?: bigint;
}

/** Integer convolution (group = 1) as im2col + the golden MVAU: the accumulators, NHWC. */
export function convGolden(img: Image, spec: ConvSpec): Image {
  const padded = padded2d(img, spec.padding, spec.padValue, spec.inputType);
  const rows = im2col(padded, spec).map((row) =>
    mvauGolden(row, spec.weights, spec.inputType, spec.weightType),
  );
  return gridImage(padded, spec, rows);
}

function padded2d(img: Image, pad: Padding2d | undefined, value: bigint | undefined, dt: DataType): Image {
  if (!pad || (pad.top | pad.bottom | pad.left | pad.right) === 0) return img;
  if (value === undefined) throw new RangeError("padding needs the code that represents 0.0 (padValue)");
  if (!allows(dt, value)) throw new RangeError(`padValue ${value} does not fit ${dataTypeName(dt)}`);
  return padImage(img, pad, value);
}

/** Max-pooling per channel over each window (integer codes compare as integers). */
export function maxPoolGolden<T extends bigint | number>(img: Image<T>, win: Window2d): Image<T> {
  return gridImage(img, win, windowReduce(img, win, largest));
}

/**
 * Average pooling per channel: the window's sum divided by KH·KW, rounded by `rounding` through
 * the project's one rounding function (default ROUND, half to even, as a QONNX Quant after a
 * float AveragePool; FLOOR is Brevitas' truncating average).
 */
export function avgPoolGolden(img: Image, win: Window2d, rounding: RoundingMode = "ROUND"): Image {
  const n = win.kernel[0] * win.kernel[1];
  return gridImage(
    img,
    win,
    windowReduce(img, win, (vs) => BigInt(roundBy(rounding, Number(vs.reduce((a, b) => a + b, 0n)) / n))),
  );
}

/** Global average pooling: one pixel, each channel's mean over the whole image. */
export function globalAvgPoolGolden(img: Image, rounding: RoundingMode = "ROUND"): Image {
  return avgPoolGolden(img, { kernel: [img.height, img.width], stride: [1, 1] }, rounding);
}

function largest<T extends bigint | number>(values: T[]): T {
  return largestAt(values, Int32Array.from(values.keys()), 0, values.length);
}

/** Max-pooling of one channel's window: the largest of values[at[start + k]], k < count. */
export function largestAt<T extends bigint | number>(
  values: ArrayLike<T>,
  at: Int32Array,
  start: number,
  count: number,
): T {
  let m = values[at[start]!]!;
  for (let k = 1; k < count; k++) {
    const v = values[at[start + k]!]!;
    if (v > m) m = v;
  }
  return m;
}

/** Per output pixel, per channel: `reduce` over the window's values of that channel. */
function windowReduce<T extends bigint | number>(
  img: Image<T>,
  win: Window2d,
  reduce: (values: T[]) => T,
): T[][] {
  const k = win.kernel[0] * win.kernel[1];
  return im2col(img, win).map((row) =>
    Array.from({ length: img.channels }, (_, c) =>
      reduce(Array.from({ length: k }, (_, i) => row[i * img.channels + c]!)),
    ),
  );
}
