// The dataset options that feed a model exactly as its `input.preprocess` says (size, crop,
// framing, normalization, class order) with the validation hold-out it was trained with, so `--split val`
// and the per-shift reports see the model's own validation set.
import type { LoadOptions } from "../data/load.js";
import type { Normalization } from "../data/normalize.js";
import type { Model } from "../model/model-format.js";

export function loadOptionsFor(model: Model): LoadOptions {
  const shape = model.input.shape;
  const [height, width] = shape.length === 2 ? [shape[0]!, shape[1]!] : [1, shape[0]!];
  const pre = model.input.preprocess;
  const data = (model.meta?.data ?? {}) as { valFraction?: number; splitSeed?: number };
  return {
    width: pre?.resize?.[1] ?? width,
    height: pre?.resize?.[0] ?? height,
    crop: pre?.crop,
    frame: pre?.frame ?? 0,
    normalize: (pre?.normalize ?? "none") as Normalization,
    classes: model.output.classes,
    valFraction: data.valFraction,
    splitSeed: data.splitSeed,
  };
}
