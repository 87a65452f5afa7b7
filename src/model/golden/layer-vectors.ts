// How every layer applies its matrix: a dense layer to its one input vector, a conv layer to
// the KH·KW·C window of each output pixel (padding with the zero code, FINN's (kh, kw, c)
// order), followed by the conv layer's max-pool on the per-pixel outputs. Generic over bigint
// (golden model) and number (the fast integer inference), so both share this one definition.
// The geometry is computed once per layer as index tables, by running the golden im2col and
// padding on images of indices, so the tables are those functions' own answer.
import { convGeometry } from "../layer-geometry.js";
import type { ConvLayer, Layer } from "../model-format.js";
import { type Image, im2col, largestAt, padImage } from "./conv.js";

/** Where each value of a layer's matrix input and pooled output comes from. */
export interface LayerPlan {
  /** Matrix input vectors per image (output pixels before pooling) and their length MW. */
  vectors: number;
  mw: number;
  /** vectors × MW input indices; −1 = a padding position (the zero code). */
  windows: Int32Array;
  pool?: {
    /** Pooled values per image and window size KH·KW. */
    outputs: number;
    size: number;
    /** outputs × size indices into the conv output (NHWC) each pooled value is the max of. */
    sources: Int32Array;
  };
}

const plans = new WeakMap<ConvLayer, LayerPlan>();

/** The index tables of a conv layer (cached per layer object; models are not mutated). */
export function convPlan(layer: ConvLayer): LayerPlan {
  let plan = plans.get(layer);
  if (plan) return plan;
  const [height, width, channels] = layer.inShape;
  const indexImage: Image<number> = {
    height,
    width,
    channels,
    data: Array.from({ length: height * width * channels }, (_, i) => i),
  };
  const rows = im2col(padImage(indexImage, layer.padding, -1), layer);
  plan = { vectors: rows.length, mw: rows[0]!.length, windows: Int32Array.from(rows.flat()) };
  if (layer.pool) {
    const g = convGeometry(layer);
    const oc = layer.outChannels;
    const convOut: Image<number> = {
      height: g.convHeight,
      width: g.convWidth,
      channels: oc,
      data: Array.from({ length: g.convHeight * g.convWidth * oc }, (_, i) => i),
    };
    // A pool row holds (kh, kw, c); pooled value (pixel, c) is the max over its kernel positions.
    const poolRows = im2col(convOut, layer.pool);
    const size = layer.pool.kernel[0] * layer.pool.kernel[1];
    const sources = new Int32Array(poolRows.length * oc * size);
    poolRows.forEach((row, p) => {
      for (let c = 0; c < oc; c++)
        for (let k = 0; k < size; k++) sources[(p * oc + c) * size + k] = row[k * oc + c]!;
    });
    plan.pool = { outputs: poolRows.length * oc, size, sources };
  }
  plans.set(layer, plan);
  return plan;
}

/** A buffer of n values: a Float64Array for numbers, an array for bigints. */
function buffer<T extends bigint | number>(n: number, like: T): T[] {
  return (typeof like === "number" ? new Float64Array(n) : new Array<T>(n)) as unknown as T[];
}

/** Splits count × MW values into `count` vectors and maps each with `perVector` (the golden form). */
export function eachVector<T>(perVector: (vector: readonly T[]) => T[]) {
  return (vectors: ArrayLike<T>, count: number): T[] => {
    const mw = vectors.length / count;
    const all = Array.from(vectors);
    return Array.from({ length: count }, (_, p) => perVector(all.slice(p * mw, (p + 1) * mw))).flat() as T[];
  };
}

/**
 * The layer's output for one image (NHWC, after pooling). `perVectors` maps `count` matrix
 * input vectors (count × MW values, one after another) to their count × MH outputs
 * (accumulator + activation). `padCode` is the input code of 0.0 (layer-geometry's zeroCode).
 */
export function applyLayer<T extends bigint | number>(
  layer: Layer,
  x: ArrayLike<T>,
  padCode: T,
  perVectors: (vectors: ArrayLike<T>, count: number) => ArrayLike<T>,
): ArrayLike<T> {
  if (layer.kind === "dense") return perVectors(x, 1);
  const plan = convPlan(layer);
  const at = plan.windows;
  const windows = buffer(at.length, padCode);
  for (let i = 0; i < at.length; i++) {
    const from = at[i]!;
    windows[i] = from < 0 ? padCode : x[from]!;
  }
  const y = perVectors(windows, plan.vectors);
  const pool = plan.pool;
  if (!pool) return y;
  const { outputs, size, sources } = pool;
  const out = buffer(outputs, padCode);
  for (let o = 0; o < outputs; o++) out[o] = largestAt(y, sources, o * size, size);
  return out;
}
