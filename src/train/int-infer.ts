// Integer inference of a Loom model file, independent of the trainer: the exact arithmetic the
// accelerator performs on UINT8 pixel codes (accumulators are integers; a "float" activation is
// evaluated in double precision exactly as the model file defines it). Used to choose the
// decision margin and to report metrics of the model as written, not of the training graph.
import type { Activation, Model, Quantizer } from "../nn/model-format.js";
import { roundHalfEven } from "./quant.js";

export interface IntegerResult {
  /** n rows of last-layer integer scores (acc + bias). */
  scores: number[][];
  predictions: number[];
}

function codeRange(q: Quantizer): [number, number] {
  if (q.signed) return [-(2 ** (q.bits - 1)) + (q.narrow ? 1 : 0), 2 ** (q.bits - 1) - 1];
  return [0, 2 ** q.bits - 1 - (q.narrow ? 1 : 0)];
}

function round(x: number, mode: Quantizer["rounding"]): number {
  return mode === "FLOOR" ? Math.floor(x) : mode === "CEIL" ? Math.ceil(x) : roundHalfEven(x);
}

const at = (v: number | number[], c: number): number => (typeof v === "number" ? v : v[c]!);

function activate(act: Activation, acc: number, c: number): number {
  switch (act.kind) {
    case "none":
      return acc + Number(typeof act.bias === "object" ? act.bias[c]! : act.bias);
    case "thresholds": {
      const row = act.thresholds.length === 1 ? act.thresholds[0]! : act.thresholds[c]!;
      let k = 0;
      for (const t of row) if (acc >= Number(t)) k++;
      return act.outBias + k;
    }
    case "float": {
      let y = acc * at(act.scale, c) + at(act.bias, c);
      const bn = act.batchnorm;
      if (bn) {
        y =
          (at(bn.gamma, c) * (y - at(bn.mean, c))) / Math.sqrt(at(bn.variance, c) + bn.epsilon) +
          at(bn.beta, c);
      }
      if (act.relu) y = Math.max(0, y);
      const [lo, hi] = codeRange(act.quant);
      return Math.min(hi, Math.max(lo, round(y / act.quant.scale, act.quant.rounding)));
    }
  }
}

/** Runs n inputs of `dim` UINT8 codes each through the model. */
export function inferInteger(model: Model, x: Uint8Array, n: number): IntegerResult {
  const layers = model.layers.map((l) => ({ l, w: Float64Array.from(l.weights.flat()) }));
  const scores: number[][] = [];
  const predictions: number[] = [];
  const dim = model.layers[0]!.inFeatures;
  for (let r = 0; r < n; r++) {
    let v: Float64Array = Float64Array.from(x.subarray(r * dim, (r + 1) * dim));
    for (const { l, w } of layers) {
      const out = new Float64Array(l.outFeatures);
      for (let c = 0; c < l.outFeatures; c++) {
        let acc = 0;
        const base = c * l.inFeatures;
        for (let i = 0; i < l.inFeatures; i++) acc += w[base + i]! * v[i]!;
        out[c] = activate(l.activation, acc, c);
      }
      v = out;
    }
    const s = Array.from(v);
    scores.push(s);
    // Arg-max with ties to the lowest index, as the hardware does.
    let best = 0;
    for (let k = 1; k < s.length; k++) if (s[k]! > s[best]!) best = k;
    predictions.push(best);
  }
  return { scores, predictions };
}
