// Golden execution of a streamlined model (only "thresholds" and "none" activations), the
// reference every hardware simulation is compared against.
import { isXnorLayer } from "../../core/accumulator.js";
import { type DataType, parseDataType } from "../../core/datatypes.js";
import { layerInputDatatypes } from "../layer-types.js";
import { ModelError } from "../model-error.js";
import type { DenseLayer, Model } from "../model-format.js";
import { thresholdRow, weightMatrix } from "../weights.js";
import { channelActivation } from "./activation.js";
import { argmax } from "./argmax.js";
import { multiThreshold } from "./multithreshold.js";
import { mvauGolden } from "./mvau.js";

export interface GoldenResult {
  /** Last layer's outputs per input: acc + bias for "none", output codes for "thresholds". */
  scores: bigint[][];
  /** Arg-max of the scores (ties → lowest index). */
  predictions: number[];
}

/** Runs every input through the model. */
export function runGolden(model: Model, inputs: readonly (readonly bigint[])[]): GoldenResult {
  const scores = inputs.map((x) => {
    const outs = runGoldenLayers(model, x);
    return outs[outs.length - 1]!;
  });
  return { scores, predictions: scores.map(argmax) };
}

/** Outputs of every layer for one input vector (layer i's output is layer i+1's input). */
export function runGoldenLayers(model: Model, input: readonly bigint[]): bigint[][] {
  const inTypes = layerInputDatatypes(model);
  const outs: bigint[][] = [];
  let x: readonly bigint[] = input;
  model.layers.forEach((layer, i) => {
    if (x.length !== layer.inFeatures) {
      throw new ModelError(`layer ${layer.name}: input has ${x.length} values, expected ${layer.inFeatures}`);
    }
    const y = goldenLayer(layer, x, inTypes[i]!);
    outs.push(y);
    x = y;
  });
  return outs;
}

/** A layer's parameters as bigints, converted once per layer object (models are not mutated). */
const converted = new WeakMap<DenseLayer, { weights: bigint[][]; thresholds?: bigint[][] }>();

function layerTensors(layer: DenseLayer): { weights: bigint[][]; thresholds?: bigint[][] } {
  let t = converted.get(layer);
  if (!t) {
    const act = layer.activation;
    t = {
      weights: weightMatrix(layer),
      thresholds:
        act.kind === "thresholds"
          ? Array.from({ length: layer.outFeatures }, (_, c) => thresholdRow(act, c))
          : undefined,
    };
    converted.set(layer, t);
  }
  return t;
}

/** One streamlined layer. Thresholds and biases are in ±1-sum form for XNOR layers (see docs). */
export function goldenLayer(layer: DenseLayer, x: readonly bigint[], inDt: DataType): bigint[] {
  const wDt = parseDataType(layer.weightDatatype);
  const tensors = layerTensors(layer);
  const acc = mvauGolden(x, tensors.weights, inDt, wDt, isXnorLayer(inDt, wDt) ? "sum" : "popcount");
  const act = layer.activation;
  switch (act.kind) {
    case "thresholds": {
      const outDt = parseDataType(act.outDatatype);
      return acc.map((a, c) => multiThreshold(a, tensors.thresholds![c]!, act.outBias, outDt));
    }
    case "none":
      return acc.map((a, c) => channelActivation(act, c)(a));
    case "float":
      throw new ModelError(
        `layer ${layer.name}: the golden model runs streamlined models only; streamline the model first (float activation found)`,
      );
  }
}
