// How images become a model's input codes. A Loom model says it itself (input.preprocess, read by
// the trainer's loadOptionsFor): its codes are the preprocessed 8-bit pixels. An imported ONNX
// graph has no such record: its image is resized to the graph input's last two dimensions and fed
// as pixel/255 (torchvision's ToTensor, which Brevitas and FINN's MNIST models were trained on)
// through the graph's own input quantizer.
import type { ModelSource } from "../compiler/model-source.js";
import type { Preprocess } from "../data/preprocess.js";
import { quantizeInput } from "../onnx/host.js";
import { loadOptionsFor } from "../train/model-input.js";
import { UserError } from "./user-error.js";

export interface ImageFeed {
  preprocess: Preprocess;
  /** Class names (the model's, or none for a graph that records none). */
  classes: string[];
  /** Preprocessed pixels → the model's input as `loom sim --inputs` takes it (codes, or an ONNX graph's floats). */
  inputs(pixels: Uint8Array): number[];
  /** Preprocessed pixels → the accelerator's input codes. */
  codes(pixels: Uint8Array): bigint[];
  /** ONNX: preprocessed pixels → the float input the graph takes. */
  graphInput?(pixels: Uint8Array): number[];
}

export function imageFeed(source: ModelSource, modelPath: string): ImageFeed {
  const { model, host } = source;
  if (host) {
    const dims = host.input.shape;
    const channels = dims.slice(1, -2).reduce((a, b) => a * b, 1);
    if (dims.length < 3 || channels !== 1) {
      throw new UserError(
        `${modelPath}: its input has shape [${dims}]; images need a one-channel input [N, 1, H, W] or [N, H, W]`,
      );
    }
    const [height, width] = dims.slice(-2) as [number, number];
    const graphInput = (px: Uint8Array) => Array.from(px, (p) => p / 255);
    return {
      preprocess: { width, height },
      classes: model.output.classes ?? [],
      inputs: graphInput,
      codes: (px) => quantizeInput(host.input, graphInput(px)),
      graphInput,
    };
  }
  if (model.input.datatype !== "UINT8") {
    throw new UserError(`${modelPath}: its input is ${model.input.datatype}; images feed UINT8 pixel codes`);
  }
  const o = loadOptionsFor(model);
  return {
    preprocess: { width: o.width, height: o.height, crop: o.crop, frame: o.frame, normalize: o.normalize },
    classes: model.output.classes ?? [],
    inputs: (px) => Array.from(px),
    codes: (px) => Array.from(px, BigInt),
  };
}
