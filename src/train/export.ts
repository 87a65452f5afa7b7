// Writes a trained QuantMlp as a Loom model file. Hidden layers become "float" activations
// (accumulator scale per channel, bias in float units = integer bias × accumulator scale);
// the last layer is a raw accumulator with an integer bias and one per-tensor scale.

import { type Crop, isNoCrop } from "../data/crop.js";
import type { Normalization } from "../data/normalize.js";
import type { DenseLayer, Model } from "../nn/model-format.js";
import type { QuantMlp } from "./mlp.js";

export interface ExportOptions {
  name: string;
  description?: string;
  width: number;
  height: number;
  /** Border crop before resizing (default none). */
  crop?: Crop;
  /** Content framing after resizing, tail percent (0 = off). */
  frame?: number;
  normalize: Normalization;
  classes: string[];
  /** Added to class 0's integer bias: the decision margin chosen on validation. */
  margin?: number;
  meta?: Record<string, unknown>;
}

export function exportModel(net: QuantMlp, opts: ExportOptions): Model {
  const { wbits, abits } = net.cfg;
  const layers: DenseLayer[] = net.layers.map((p, l) => {
    const q = net.quantized(l);
    const sIn = net.inputScaleOf(l);
    const accScale = Array.from(q.scale, (s) => s * sIn);
    const biasInt = net.biasCodes(l, q.scale);
    const weights: number[][] = [];
    for (let r = 0; r < p.outF; r++) weights.push(Array.from(q.codes.subarray(r * p.inF, (r + 1) * p.inF)));
    const base = {
      name: `fc${l}`,
      kind: "dense" as const,
      inFeatures: p.inF,
      outFeatures: p.outF,
      weightDatatype: wbits === 1 ? "BIPOLAR" : `INT${wbits}`,
      weights,
    };
    if (net.isLast(l)) {
      const bias = biasInt.slice();
      bias[0]! += opts.margin ?? 0;
      return { ...base, activation: { kind: "none" as const, bias, scale: accScale[0]! } };
    }
    return {
      ...base,
      activation: {
        kind: "float" as const,
        scale: accScale,
        bias: biasInt.map((b, c) => b * accScale[c]!),
        relu: true,
        quant: {
          scale: p.alpha[0]! / net.levels,
          bits: abits,
          signed: false,
          narrow: false,
          rounding: "ROUND" as const,
        },
      },
    };
  });
  return {
    format: "loom-qnn",
    version: 1,
    name: opts.name,
    description: opts.description,
    input: {
      shape: [opts.height, opts.width],
      datatype: "UINT8",
      preprocess: {
        ...(isNoCrop(opts.crop) ? {} : { crop: opts.crop }),
        resize: [opts.height, opts.width],
        resample: "area",
        grayscale: "luma",
        ...(opts.frame ? { frame: opts.frame } : {}),
        normalize: opts.normalize,
        note:
          "Decode to 8-bit gray (luma), " +
          (isNoCrop(opts.crop)
            ? "resize the whole image"
            : "remove the crop margins (floor(size · percent / 100) pixels per side), resize the rest") +
          " to resize = [height, width] by exact integer area averaging, " +
          (opts.frame
            ? "frame the content (crop to the column and row ranges holding all but frame % of the brightness mass at each end, resize back by area averaging), "
            : "") +
          "apply the per-image integer normalization, flatten row-major. Pixel code p " +
          "stands for p/255 (layer 0's scale includes the 1/255).",
      },
    },
    layers,
    output: { argmax: true, classes: opts.classes },
    meta: opts.meta,
  };
}
