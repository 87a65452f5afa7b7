// How every layer applies its matrix: a dense layer to its one input vector, a conv layer to
// the KH·KW·C window of each output pixel (padding with the zero code, FINN's (kh, kw, c)
// order), followed by the conv layer's max-pool on the per-pixel outputs. Generic over bigint
// (golden model) and number (the fast integer inference), so both share this one definition.
import { convGeometry, hasPadding } from "../layer-geometry.js";
import type { Layer } from "../model-format.js";
import { type Image, im2col, maxPoolGolden, padImage } from "./conv.js";

/**
 * The layer's output for one image: `perVector` maps each matrix input vector (MW values) to
 * its MH outputs (accumulator + activation); the results are assembled NHWC and pooled.
 * `padCode` is the input code of 0.0 (layer-geometry's zeroCode).
 */
export function applyLayer<T extends bigint | number>(
  layer: Layer,
  x: readonly T[],
  padCode: T,
  perVector: (vector: readonly T[]) => T[],
): T[] {
  if (layer.kind === "dense") return perVector(x);
  const [height, width, channels] = layer.inShape;
  let img: Image<T> = { height, width, channels, data: x as T[] };
  if (hasPadding(layer)) img = padImage(img, layer.padding, padCode);
  const rows = im2col(img, { kernel: layer.kernel, stride: layer.stride }).map(perVector);
  const g = convGeometry(layer);
  const out: Image<T> = {
    height: g.convHeight,
    width: g.convWidth,
    channels: layer.outChannels,
    data: rows.flat() as T[],
  };
  return layer.pool ? maxPoolGolden(out, layer.pool).data : out.data;
}
