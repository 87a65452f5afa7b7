// Integer inference of a Loom model file, independent of the trainer: the exact arithmetic the
// accelerator performs on the input codes (accumulators are integers; a "float" activation is
// evaluated exactly as the golden model defines it). Used to choose the decision margin and to
// report metrics of the model as written, not of the training graph. The dot products run in
// doubles for speed (exact below 2^53); activation and arg-max are the golden model's own.

import { channelActivation } from "../nn/golden/activation.js";
import { argmax } from "../nn/golden/argmax.js";
import { applyLayer } from "../nn/golden/layer-vectors.js";
import { inputSize, matrixHeight, matrixWidth, zeroCode } from "../nn/layer-geometry.js";
import { layerInputDatatypes } from "../nn/layer-types.js";
import type { Model } from "../nn/model-format.js";

export interface IntegerResult {
  /** n rows of last-layer integer scores (acc + bias). */
  scores: number[][];
  predictions: number[];
}

/** Runs n inputs of `dim` integer codes each (UINT8 pixels, or any input datatype's values). */
export function inferInteger(model: Model, x: ArrayLike<number>, n: number): IntegerResult {
  const inTypes = layerInputDatatypes(model);
  const layers = model.layers.map((l, i) => ({
    l,
    mw: matrixWidth(l),
    w: Float64Array.from(l.weights.flat()),
    act: Array.from({ length: matrixHeight(l) }, (_, c) => channelActivation(l.activation, c)),
    padCode: Number(zeroCode(model, i, inTypes[i]!.kind) ?? 0n),
  }));
  const scores: number[][] = [];
  const predictions: number[] = [];
  const dim = inputSize(model.layers[0]!);
  for (let r = 0; r < n; r++) {
    let v: number[] = Array.from({ length: dim }, (_, i) => x[r * dim + i]!);
    for (const { l, mw, w, act, padCode } of layers) {
      v = applyLayer(l, v, padCode, (vec) => {
        const out = new Array<number>(act.length);
        for (let c = 0; c < act.length; c++) {
          let acc = 0;
          const base = c * mw;
          for (let i = 0; i < mw; i++) acc += w[base + i]! * vec[i]!;
          out[c] = Number(act[c]!(BigInt(acc)));
        }
        return out;
      });
    }
    scores.push(v);
    predictions.push(argmax(v));
  }
  return { scores, predictions };
}
