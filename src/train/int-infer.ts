// Integer inference of a Loom model file, independent of the trainer: the exact arithmetic the
// accelerator performs on the input codes (accumulators are integers; a "float" activation is
// evaluated exactly as the golden model defines it). Used to choose the decision margin and to
// report metrics of the model as written, not of the training graph. The dot products run in
// doubles for speed (exact below 2^53); activation and arg-max are the golden model's own.

import { channelActivation } from "../nn/golden/activation.js";
import { argmax } from "../nn/golden/argmax.js";
import type { Model } from "../nn/model-format.js";

export interface IntegerResult {
  /** n rows of last-layer integer scores (acc + bias). */
  scores: number[][];
  predictions: number[];
}

/** Runs n inputs of `dim` integer codes each (UINT8 pixels, or any input datatype's values). */
export function inferInteger(model: Model, x: ArrayLike<number>, n: number): IntegerResult {
  const layers = model.layers.map((l) => ({
    l,
    w: Float64Array.from(l.weights.flat()),
    act: Array.from({ length: l.outFeatures }, (_, c) => channelActivation(l.activation, c)),
  }));
  const scores: number[][] = [];
  const predictions: number[] = [];
  const dim = model.layers[0]!.inFeatures;
  for (let r = 0; r < n; r++) {
    let v = Float64Array.from({ length: dim }, (_, i) => x[r * dim + i]!);
    for (const { l, w, act } of layers) {
      const out = new Float64Array(l.outFeatures);
      for (let c = 0; c < l.outFeatures; c++) {
        let acc = 0;
        const base = c * l.inFeatures;
        for (let i = 0; i < l.inFeatures; i++) acc += w[base + i]! * v[i]!;
        out[c] = Number(act[c]!(BigInt(acc)));
      }
      v = out;
    }
    const s = Array.from(v);
    scores.push(s);
    predictions.push(argmax(s));
  }
  return { scores, predictions };
}
