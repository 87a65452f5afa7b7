// Writes a trained network as a Loom model file. Hidden layers become "float" activations
// (accumulator scale per channel, bias in float units = integer bias × accumulator scale,
// optional batch norm, ReLU, unsigned quantizer); the last layer is a raw accumulator with an
// integer bias and one per-tensor scale. The MLP is exported here, the CNN in cnn/export.ts;
// both build their layers and the model file with the functions below.

import { type Crop, isNoCrop } from "../data/crop.js";
import type { Normalization } from "../data/normalize.js";
import type { DenseLayer, FloatActivation, Layer, Model, NoActivation } from "../model/model-format.js";
import type { QuantMlp } from "./mlp.js";
import { biasCodes, type QuantizedWeights } from "./quant.js";

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

/** What follows a layer's accumulator: a quantized ReLU (hidden layers) or the class scores. */
export type LayerOutput =
  | { kind: "relu" /** Step of the output codes: clip / (2^bits − 1). */; quantScale: number; bits: number }
  | { kind: "scores"; margin: number };

export function weightDatatype(wbits: number): string {
  return wbits === 1 ? "BIPOLAR" : `INT${wbits}`;
}

/** The integer weight rows of a rows × cols quantized matrix. */
export function weightRows(q: QuantizedWeights, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, r) => Array.from(q.codes.subarray(r * cols, (r + 1) * cols)));
}

/**
 * The activation of a layer with weight scales `q.scale` on inputs of scale `inScale`: the
 * accumulator scale is their product per channel, the bias (when the layer has one) is snapped
 * to that grid, and a ReLU layer may carry a batch norm before its ReLU.
 */
export function layerActivation(
  q: QuantizedWeights,
  inScale: number,
  bias: ArrayLike<number> | undefined,
  output: LayerOutput,
  batchnorm?: FloatActivation["batchnorm"],
): FloatActivation | NoActivation {
  const accScale = Array.from(q.scale, (s) => s * inScale);
  const biasInt = bias ? biasCodes(bias, q.scale, inScale) : undefined;
  if (output.kind === "scores") {
    const scoreBias = biasInt ?? accScale.map(() => 0);
    scoreBias[0]! += output.margin;
    return { kind: "none", bias: scoreBias, scale: accScale[0]! };
  }
  return {
    kind: "float",
    scale: accScale,
    bias: biasInt ? biasInt.map((b, c) => b * accScale[c]!) : 0,
    ...(batchnorm ? { batchnorm } : {}),
    relu: true,
    quant: { scale: output.quantScale, bits: output.bits, signed: false, narrow: false, rounding: "ROUND" },
  };
}

/** A dense layer of the model file from its quantized weights, float bias and output. */
export function denseLayer(
  name: string,
  q: QuantizedWeights,
  inFeatures: number,
  outFeatures: number,
  inScale: number,
  bias: ArrayLike<number>,
  wbits: number,
  output: LayerOutput,
): DenseLayer {
  return {
    name,
    kind: "dense",
    inFeatures,
    outFeatures,
    weightDatatype: weightDatatype(wbits),
    weights: weightRows(q, outFeatures, inFeatures),
    activation: layerActivation(q, inScale, bias, output),
  };
}

export function exportModel(net: QuantMlp, opts: ExportOptions): Model {
  const { wbits, abits } = net.cfg;
  const layers = net.layers.map((p, l) =>
    denseLayer(
      `fc${l}`,
      net.quantized(l),
      p.inF,
      p.outF,
      net.inputScaleOf(l),
      p.b,
      wbits,
      net.isLast(l)
        ? { kind: "scores", margin: opts.margin ?? 0 }
        : { kind: "relu", quantScale: p.alpha[0]! / net.levels, bits: abits },
    ),
  );
  return modelFile(opts, [opts.height, opts.width], layers);
}

/** The model file around the layers: UINT8 pixel input with its preprocessing, arg-max output. */
export function modelFile(opts: ExportOptions, inputShape: number[], layers: Layer[]): Model {
  return {
    format: "loom-qnn",
    version: 1,
    name: opts.name,
    description: opts.description,
    input: {
      shape: inputShape,
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
