// Integer inference of a Loom model file, independent of the trainer: the exact arithmetic the
// accelerator performs on the input codes (accumulators are integers; a "float" activation is
// evaluated exactly as the golden model defines it). Used to choose the decision margin and to
// report metrics of the model as written, not of the training graph. The layer geometry is the
// golden model's (applyLayer) and the activation is the golden channelActivation; only the dot
// products run differently: a Float64 GEMM over all of a layer's windows, exact because every
// accumulator of the layer is checked to stay within 2^53 (else the BigInt golden MVAU runs).

import { rowAccumulatorRange } from "../core/accumulator.js";
import type { DataType } from "../core/datatypes.js";
import { channelActivation } from "../nn/golden/activation.js";
import { argmax } from "../nn/golden/argmax.js";
import { applyLayer, eachVector } from "../nn/golden/layer-vectors.js";
import { mvauGolden } from "../nn/golden/mvau.js";
import { inputSize, matrixHeight, matrixWidth, zeroCode } from "../nn/layer-geometry.js";
import { layerInputDatatypes, weightDatatype } from "../nn/layer-types.js";
import type { Layer, Model } from "../nn/model-format.js";
import { channelValue, weightMatrix } from "../nn/weights.js";

export interface IntegerResult {
  /** n rows of last-layer integer scores (acc + bias). */
  scores: number[][];
  predictions: number[];
}

type Vectors = (vectors: ArrayLike<number>, count: number) => ArrayLike<number>;

/** Runs n inputs of `dim` integer codes each (UINT8 pixels, or any input datatype's values). */
export function inferInteger(model: Model, x: ArrayLike<number>, n: number): IntegerResult {
  const inTypes = layerInputDatatypes(model);
  const layers = model.layers.map((l, i) => ({
    l,
    perVectors: layerProduct(l, inTypes[i]!, weightDatatype(model, i)),
    padCode: Number(zeroCode(model, i, inTypes[i]!.kind) ?? 0n),
  }));
  const last = model.layers[model.layers.length - 1]!;
  const act = last.activation;
  // Arg-max of the real scores: a final "none" layer's scale may be negative or per channel.
  const realScores = (row: number[]) =>
    act.kind === "none" ? row.map((s, k) => s * channelValue(act.scale, k % matrixHeight(last))) : row;
  const scores: number[][] = [];
  const predictions: number[] = [];
  const dim = inputSize(model.layers[0]!);
  for (let r = 0; r < n; r++) {
    let v: ArrayLike<number> = Float64Array.from({ length: dim }, (_, i) => x[r * dim + i]!);
    for (const { l, perVectors, padCode } of layers) v = applyLayer(l, v, padCode, perVectors);
    const row = Array.from(v);
    scores.push(row);
    predictions.push(argmax(realScores(row)));
  }
  return { scores, predictions };
}

/**
 * A layer's matrix product and activation over many vectors. Each channel's activation is the
 * golden one, memoized per accumulator value (a pure function of it, so the memo is exact).
 */
function layerProduct(layer: Layer, inDt: DataType, wDt: DataType): Vectors {
  const mw = matrixWidth(layer);
  const mh = matrixHeight(layer);
  const weights = weightMatrix(layer);
  const golden = Array.from({ length: mh }, (_, c) => channelActivation(layer.activation, c));
  const limit = 2n ** 53n;
  const exact = weights.every((row) => {
    const { lo, hi } = rowAccumulatorRange(inDt, row);
    return lo > -limit && hi < limit;
  });
  if (!exact) {
    return eachVector((v: readonly number[]) =>
      mvauGolden(v.map(BigInt), weights, inDt, wDt, "sum").map((a, c) => Number(golden[c]!(a))),
    );
  }
  const acts = golden.map(memoized);
  const w = Float64Array.from(layer.weights.flat());
  return (vectors, count) => {
    const x = vectors instanceof Float64Array ? vectors : Float64Array.from(vectors);
    const out = new Float64Array(count * mh);
    const acc = new Float64Array(mh);
    for (let p = 0; p < count; p++) {
      dotRows(w, mw, mh, x, p * mw, acc);
      for (let c = 0; c < mh; c++) out[p * mh + c] = acts[c]!(acc[c]!);
    }
    return out;
  };
}

/** acc[c] = Σ_i w[c·mw + i] · x[xBase + i], four rows at a time (each x value loaded once per four rows). */
function dotRows(
  w: Float64Array,
  mw: number,
  mh: number,
  x: Float64Array,
  xBase: number,
  acc: Float64Array,
): void {
  let c = 0;
  for (; c + 4 <= mh; c += 4) {
    const b0 = c * mw;
    const b1 = b0 + mw;
    const b2 = b1 + mw;
    const b3 = b2 + mw;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let i = 0; i < mw; i++) {
      const v = x[xBase + i]!;
      a0 += w[b0 + i]! * v;
      a1 += w[b1 + i]! * v;
      a2 += w[b2 + i]! * v;
      a3 += w[b3 + i]! * v;
    }
    acc[c] = a0;
    acc[c + 1] = a1;
    acc[c + 2] = a2;
    acc[c + 3] = a3;
  }
  for (; c < mh; c++) {
    const b = c * mw;
    let a = 0;
    for (let i = 0; i < mw; i++) a += w[b + i]! * x[xBase + i]!;
    acc[c] = a;
  }
}

/** Accumulator values remembered per channel (memory stays bounded on wide layers). */
const MEMO_LIMIT = 1 << 16;

/** An activation on exact integer accumulators, remembered per value. */
function memoized(act: (acc: bigint) => bigint): (acc: number) => number {
  const seen = new Map<number, number>();
  return (acc) => {
    let y = seen.get(acc);
    if (y === undefined) {
      y = Number(act(BigInt(acc)));
      if (seen.size < MEMO_LIMIT) seen.set(acc, y);
    }
    return y;
  };
}
