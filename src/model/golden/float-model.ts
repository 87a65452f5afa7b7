// The fake-quant float reference of a whole model, evaluated straight from the float
// activation description (what the trainer computes). Also accepts streamlined layers, so a
// partly streamlined model can be checked against its source.
import { parseDataType } from "../../core/datatypes.js";
import { inputSize, matrixHeight, zeroCode } from "../layer-geometry.js";
import { layerInputDatatypes } from "../layer-types.js";
import { ModelError } from "../model-error.js";
import type { Model } from "../model-format.js";
import { channelValue, weightMatrix } from "../weights.js";
import { argmax } from "./argmax.js";
import { floatActivationCode } from "./float-activation.js";
import { applyLayer, eachVector } from "./layer-vectors.js";
import { mvauGolden } from "./mvau.js";
import { goldenLayer } from "./run-golden.js";

export interface FloatResult {
  /** Integer output of every layer: codes for activations, acc + bias for a final "none". */
  layers: bigint[][];
  /** Real-valued scores of the last layer: code · quant.scale, or (acc + bias) · scale for "none". */
  scores: number[];
  /** Arg-max of the real scores (ties → lowest index). */
  prediction: number;
}

export function runFloatModel(model: Model, input: readonly bigint[]): FloatResult {
  const inTypes = layerInputDatatypes(model);
  const layers: bigint[][] = [];
  let x: readonly bigint[] = input;
  let scores: number[] = [];
  model.layers.forEach((layer, i) => {
    if (x.length !== inputSize(layer)) {
      throw new ModelError(`layer ${layer.name}: input has ${x.length} values, expected ${inputSize(layer)}`);
    }
    const act = layer.activation;
    const padCode = zeroCode(model, i, inTypes[i]!) ?? 0n;
    let y: bigint[];
    if (act.kind === "float") {
      // The ±1 dot product for XNOR layers: the float model knows nothing about popcounts.
      const weights = weightMatrix(layer);
      const wDt = parseDataType(layer.weightDatatype);
      const codes = Array.from({ length: weights.length }, (_, c) => floatActivationCode(act, c));
      y = Array.from(
        applyLayer(
          layer,
          x,
          padCode,
          eachVector((v) =>
            mvauGolden(v, weights, inTypes[i]!, wDt, "sum").map((a, c) => BigInt(codes[c]!(a))),
          ),
        ),
      );
      scores = y.map((v) => Number(v) * act.quant.scale);
    } else {
      y = goldenLayer(layer, x, inTypes[i]!, padCode);
      scores =
        act.kind === "none"
          ? y.map((v, k) => Number(v) * channelValue(act.scale, k % matrixHeight(layer)))
          : y.map((v) => Number(v));
    }
    layers.push(y);
    x = y;
  });
  return { layers, scores, prediction: argmax(scores) };
}
