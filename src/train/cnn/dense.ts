// Dense layer of the convolutional trainer: the same quantization as QuantMlp's layers
// (per-channel weights in hidden layers, one per-tensor scale in the last so that class scores
// share a grid; bias snapped to the accumulator grid of input scale × weight scale).

import { roundHalfEven } from "../../model/golden/rounding.js";
import { dequant } from "../mlp.js";
import { quantizeWeights } from "../quant.js";
import type { Shape } from "./geometry.js";
import { shapeSize } from "./geometry.js";
import { gemmAB, gemmABt, gemmAtB } from "./kernels.js";
import { type Layer, type Param, param, type QuantSettings } from "./layer.js";

/** Fake-quantized rows × cols weights (float mode: the weights themselves). */
export function quantizedWeights(
  w: Float32Array,
  rows: number,
  cols: number,
  q: QuantSettings,
  perChannel: boolean,
): Float32Array {
  if (q.float) return w;
  const { codes, scale } = quantizeWeights(w, rows, cols, q.wbits, perChannel);
  return dequant(codes, scale, cols);
}

export class Dense implements Layer {
  readonly outShape: Shape;
  readonly weight: Param;
  readonly bias: Param;
  readonly params: Param[];
  readonly buffers: Float32Array[] = [];
  readonly inFeatures: number;
  private input: Float32Array = new Float32Array(0);
  private wq: Float32Array = new Float32Array(0);
  private batch = 0;

  constructor(
    readonly name: string,
    readonly inShape: Shape,
    readonly outFeatures: number,
    /** Per-tensor weight scale (the class-score layer). */
    readonly perTensor: boolean,
    /** Scale of the input codes, for the bias grid. */
    private readonly inScale: () => number,
    private readonly q: QuantSettings,
  ) {
    this.inFeatures = shapeSize(inShape);
    this.outShape = { h: 1, w: 1, c: outFeatures };
    this.weight = param(outFeatures * this.inFeatures, true);
    this.bias = param(outFeatures, false);
    this.params = [this.weight, this.bias];
  }

  forward(x: Float32Array, batch: number, _training: boolean): Float32Array {
    this.batch = batch;
    this.input = x;
    const { inFeatures: I, outFeatures: O } = this;
    const w = this.weight.value;
    let scale: Float64Array | undefined;
    if (this.q.float) this.wq = w;
    else {
      const qw = quantizeWeights(w, O, I, this.q.wbits, !this.perTensor);
      scale = qw.scale;
      this.wq = dequant(qw.codes, qw.scale, I);
    }
    const y = new Float32Array(batch * O);
    gemmABt(x, this.wq, y, batch, I, O);
    const sIn = this.inScale();
    for (let o = 0; o < O; o++) {
      const b = this.bias.value[o]!;
      const acc = scale ? scale[o]! * sIn : 0;
      const bq = scale ? roundHalfEven(b / acc) * acc : b;
      for (let r = 0; r < batch; r++) y[r * O + o]! += bq;
    }
    return y;
  }

  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    const { inFeatures: I, outFeatures: O, batch } = this;
    gemmAtB(dy, this.input, this.weight.grad, batch, O, I);
    const gb = this.bias.grad;
    gb.fill(0);
    for (let r = 0; r < batch; r++) for (let o = 0; o < O; o++) gb[o]! += dy[r * O + o]!;
    if (!needDx) return undefined;
    const dx = new Float32Array(batch * I);
    gemmAB(dy, this.wq, dx, batch, O, I);
    return dx;
  }

  codeScale(): undefined {
    return undefined;
  }
}
