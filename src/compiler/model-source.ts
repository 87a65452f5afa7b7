// Where a model comes from: Loom's JSON format, or an ONNX/QONNX file through the importer
// (which also returns the host-side input quantizer and output scale).

import type { Model } from "../model/model-format.js";
import { loadModel } from "../model/model-load.js";
import type { HostSpec } from "../onnx/host.js";
import { importOnnx } from "../onnx/import.js";

export interface ModelSource {
  model: Model;
  /** Present for imported ONNX graphs: float inputs and outputs live on the host. */
  host?: HostSpec;
}

export interface ModelSourceOptions {
  /** Fixed-point format of a float input that feeds a MatMul with no quantizer (default 16 bits, 6 integer). */
  inputFixedPoint?: { bits: number; intBits: number };
}

export function loadModelSource(path: string, o: ModelSourceOptions = {}): ModelSource {
  if (path.toLowerCase().endsWith(".onnx")) {
    const { model, host } = importOnnx(path, { inputFixedPoint: o.inputFixedPoint });
    return { model, host };
  }
  return { model: loadModel(path) };
}
