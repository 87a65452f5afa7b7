// Batch norm over the channels of NHWC activations: batch statistics while training (and an
// exponential running average of them), running statistics in evaluation. The affine terms
// γ, β and the running mean/variance are what the exporter folds into thresholds.
import type { Shape } from "./geometry.js";
import { type Layer, type Param, param } from "./layer.js";

export const BN_EPS = 1e-5;
const MOMENTUM = 0.1;

export class BatchNorm2d implements Layer {
  readonly outShape: Shape;
  readonly gamma: Param;
  readonly beta: Param;
  readonly params: Param[];
  readonly runningMean: Float32Array;
  readonly runningVar: Float32Array;
  readonly buffers: Float32Array[];
  private xhat: Float32Array = new Float32Array(0);
  private invStd = new Float64Array(0);

  constructor(
    readonly name: string,
    readonly inShape: Shape,
  ) {
    const c = inShape.c;
    this.outShape = inShape;
    this.gamma = param(c, false);
    this.gamma.value.fill(1);
    this.beta = param(c, false);
    this.params = [this.gamma, this.beta];
    this.runningMean = new Float32Array(c);
    this.runningVar = new Float32Array(c).fill(1);
    this.buffers = [this.runningMean, this.runningVar];
  }

  forward(x: Float32Array, _batch: number, training: boolean): Float32Array {
    const C = this.inShape.c;
    const n = x.length / C;
    const mean = new Float64Array(C);
    const variance = new Float64Array(C);
    if (training) {
      for (let i = 0; i < x.length; i += C) for (let c = 0; c < C; c++) mean[c]! += x[i + c]!;
      for (let c = 0; c < C; c++) mean[c]! /= n;
      for (let i = 0; i < x.length; i += C)
        for (let c = 0; c < C; c++) {
          const d = x[i + c]! - mean[c]!;
          variance[c]! += d * d;
        }
      for (let c = 0; c < C; c++) {
        variance[c]! /= n;
        const unbiased = n > 1 ? (variance[c]! * n) / (n - 1) : variance[c]!;
        this.runningMean[c] = (1 - MOMENTUM) * this.runningMean[c]! + MOMENTUM * mean[c]!;
        this.runningVar[c] = (1 - MOMENTUM) * this.runningVar[c]! + MOMENTUM * unbiased;
      }
    } else {
      mean.set(this.runningMean);
      variance.set(this.runningVar);
    }
    this.invStd = variance.map((v) => 1 / Math.sqrt(v + BN_EPS));
    this.xhat = new Float32Array(x.length);
    const y = new Float32Array(x.length);
    const g = this.gamma.value;
    const b = this.beta.value;
    for (let i = 0; i < x.length; i += C)
      for (let c = 0; c < C; c++) {
        const h = (x[i + c]! - mean[c]!) * this.invStd[c]!;
        this.xhat[i + c] = h;
        y[i + c] = g[c]! * h + b[c]!;
      }
    return y;
  }

  /** Backward through the batch statistics (the training-mode forward). */
  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    const C = this.inShape.c;
    const n = dy.length / C;
    const sumDy = new Float64Array(C);
    const sumDyXhat = new Float64Array(C);
    for (let i = 0; i < dy.length; i += C)
      for (let c = 0; c < C; c++) {
        sumDy[c]! += dy[i + c]!;
        sumDyXhat[c]! += dy[i + c]! * this.xhat[i + c]!;
      }
    for (let c = 0; c < C; c++) {
      this.gamma.grad[c] = sumDyXhat[c]!;
      this.beta.grad[c] = sumDy[c]!;
    }
    if (!needDx) return undefined;
    // dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂))
    const dx = new Float32Array(dy.length);
    const k = new Float64Array(C);
    for (let c = 0; c < C; c++) k[c] = this.gamma.value[c]! * this.invStd[c]!;
    for (let i = 0; i < dy.length; i += C)
      for (let c = 0; c < C; c++)
        dx[i + c] = k[c]! * (dy[i + c]! - sumDy[c]! / n - (this.xhat[i + c]! * sumDyXhat[c]!) / n);
    return dx;
  }

  codeScale(): undefined {
    return undefined;
  }
}
