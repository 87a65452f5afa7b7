// Golden execution of a streamlined model (only "thresholds" and "none" activations), the
// reference every hardware simulation is compared against.
import { isXnorLayer } from "../../core/accumulator.js";
import { type DataType, parseDataType } from "../../core/datatypes.js";
import { inputSize, matrixHeight, zeroCode } from "../layer-geometry.js";
import { layerInputDatatypes } from "../layer-types.js";
import { ModelError } from "../model-error.js";
import type { Layer, Model } from "../model-format.js";
import { thresholdRow, weightMatrix } from "../weights.js";
import { channelActivation } from "./activation.js";
import { argmax } from "./argmax.js";
import { applyLayer, eachVector } from "./layer-vectors.js";
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
    if (x.length !== inputSize(layer)) {
      throw new ModelError(`layer ${layer.name}: input has ${x.length} values, expected ${inputSize(layer)}`);
    }
    const y = goldenLayer(layer, x, inTypes[i]!, zeroCode(model, i, inTypes[i]!) ?? 0n);
    outs.push(y);
    x = y;
  });
  return outs;
}

/** A layer's parameters as bigints, converted once per layer object (models are not mutated). */
const converted = new WeakMap<Layer, { weights: bigint[][]; thresholds?: bigint[][] }>();

function layerTensors(layer: Layer): { weights: bigint[][]; thresholds?: bigint[][] } {
  let t = converted.get(layer);
  if (!t) {
    const act = layer.activation;
    t = {
      weights: weightMatrix(layer),
      thresholds:
        act.kind === "thresholds"
          ? Array.from({ length: matrixHeight(layer) }, (_, c) => thresholdRow(act, c))
          : undefined,
    };
    converted.set(layer, t);
  }
  return t;
}

/**
 * One streamlined layer on one image (`padCode`: the input code of 0.0 that padding inserts).
 * Thresholds and biases are in ±1-sum form for XNOR layers (see docs).
 */
export function goldenLayer(layer: Layer, x: readonly bigint[], inDt: DataType, padCode = 0n): bigint[] {
  const wDt = parseDataType(layer.weightDatatype);
  const tensors = layerTensors(layer);
  const act = layer.activation;
  if (act.kind === "float")
    throw new ModelError(
      `layer ${layer.name}: the golden model runs streamlined models only; streamline the model first (float activation found)`,
    );
  const perVector = (v: readonly bigint[]): bigint[] => {
    const acc = mvauGolden(v, tensors.weights, inDt, wDt, isXnorLayer(inDt, wDt) ? "sum" : "popcount");
    if (act.kind === "none") return acc.map((a, c) => channelActivation(act, c)(a));
    const outDt = parseDataType(act.outDatatype);
    return acc.map((a, c) => multiThreshold(a, tensors.thresholds![c]!, act.outBias, outDt));
  };
  return Array.from(applyLayer(layer, x, padCode, eachVector(perVector)));
}
