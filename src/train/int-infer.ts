// Integer inference of a Loom model file, independent of the trainer: the exact arithmetic the
// accelerator performs on the input codes (accumulators are integers; a "float" activation is
// evaluated exactly as the golden model defines it). Used to choose the decision margin and to
// report metrics of the model as written, not of the training graph. The layer geometry is the
// golden model's (applyLayer) and the activation is the golden channelActivation; only the dot
// products run differently: a Float64 GEMM over all of a layer's windows, exact because every
// accumulator of the layer is checked to stay within 2^53 (else the BigInt golden MVAU runs).

import { rowAccumulatorRange } from "../core/accumulator.js";
import type { DataType } from "../core/datatypes.js";
import { channelActivation } from "../model/golden/activation.js";
import { argmax } from "../model/golden/argmax.js";
import { applyLayer, eachVector } from "../model/golden/layer-vectors.js";
import { mvauGolden } from "../model/golden/mvau.js";
import { inputSize, matrixHeight, matrixWidth, zeroCode } from "../model/layer-geometry.js";
import { layerInputDatatypes, weightDatatype } from "../model/layer-types.js";
import type { Layer, Model } from "../model/model-format.js";
import { channelValue, weightMatrix } from "../model/weights.js";

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
    padCode: Number(zeroCode(model, i, inTypes[i]!) ?? 0n),
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
    const acc = new Float64Array(count * mh);
    matmulRows(w, mw, mh, x, count, acc);
    for (let k = 0; k < acc.length; k++) acc[k] = acts[k % mh]!(acc[k]!);
    return acc;
  };
}

/**
 * acc[p·mh + c] = Σ_i w[c·mw + i] · x[p·mw + i]: blocks of two vectors × four rows, so each
 * loaded value feeds four (x) or two (w) products.
 */
function matmulRows(
  w: Float64Array,
  mw: number,
  mh: number,
  x: Float64Array,
  count: number,
  acc: Float64Array,
): void {
  let p = 0;
  for (; p + 2 <= count; p += 2) {
    const x0 = p * mw;
    const x1 = x0 + mw;
    let c = 0;
    for (; c + 4 <= mh; c += 4) {
      const b0 = c * mw;
      const b1 = b0 + mw;
      const b2 = b1 + mw;
      const b3 = b2 + mw;
      let a00 = 0;
      let a01 = 0;
      let a02 = 0;
      let a03 = 0;
      let a10 = 0;
      let a11 = 0;
      let a12 = 0;
      let a13 = 0;
      for (let i = 0; i < mw; i++) {
        const v0 = x[x0 + i]!;
        const v1 = x[x1 + i]!;
        const w0 = w[b0 + i]!;
        const w1 = w[b1 + i]!;
        const w2 = w[b2 + i]!;
        const w3 = w[b3 + i]!;
        a00 += w0 * v0;
        a01 += w1 * v0;
        a02 += w2 * v0;
        a03 += w3 * v0;
        a10 += w0 * v1;
        a11 += w1 * v1;
        a12 += w2 * v1;
        a13 += w3 * v1;
      }
      const o0 = p * mh + c;
      const o1 = o0 + mh;
      acc[o0] = a00;
      acc[o0 + 1] = a01;
      acc[o0 + 2] = a02;
      acc[o0 + 3] = a03;
      acc[o1] = a10;
      acc[o1 + 1] = a11;
      acc[o1 + 2] = a12;
      acc[o1 + 3] = a13;
    }
    for (; c < mh; c++) {
      acc[p * mh + c] = dot(w, c * mw, x, x0, mw);
      acc[(p + 1) * mh + c] = dot(w, c * mw, x, x1, mw);
    }
  }
  for (; p < count; p++) for (let c = 0; c < mh; c++) acc[p * mh + c] = dot(w, c * mw, x, p * mw, mw);
}

function dot(w: Float64Array, wBase: number, x: Float64Array, xBase: number, n: number): number {
  let a = 0;
  for (let i = 0; i < n; i++) a += w[wBase + i]! * x[xBase + i]!;
  return a;
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
