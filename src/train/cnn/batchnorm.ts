// Batch norm over the channels of NHWC activations: batch statistics while training (and an
// exponential running average of them), running statistics in evaluation. The affine terms
// γ, β and the running mean/variance are what the exporter folds into thresholds.
import type { Shape } from "./geometry.js";
import { type Layer, type Param, param, sized } from "./layer.js";

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
  private x: Float32Array = new Float32Array(0);
  private mean = new Float64Array(0);
  private invStd = new Float64Array(0);
  private out: Float32Array = new Float32Array(0);
  private dx: Float32Array = new Float32Array(0);

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
      // One pass of sums in double precision (values are O(1), so no harmful cancellation).
      const sq = new Float64Array(C);
      for (let i = 0; i < x.length; i += C)
        for (let c = 0; c < C; c++) {
          const v = x[i + c]!;
          mean[c]! += v;
          sq[c]! += v * v;
        }
      for (let c = 0; c < C; c++) {
        mean[c]! /= n;
        variance[c] = Math.max(0, sq[c]! / n - mean[c]! * mean[c]!);
        const unbiased = n > 1 ? (variance[c]! * n) / (n - 1) : variance[c]!;
        this.runningMean[c] = (1 - MOMENTUM) * this.runningMean[c]! + MOMENTUM * mean[c]!;
        this.runningVar[c] = (1 - MOMENTUM) * this.runningVar[c]! + MOMENTUM * unbiased;
      }
    } else {
      mean.set(this.runningMean);
      variance.set(this.runningVar);
    }
    this.x = x;
    this.mean = mean;
    this.invStd = variance.map((v) => 1 / Math.sqrt(v + BN_EPS));
    // y = γ·(x − μ)/σ + β = x·k + (β − μ·k)
    const k = new Float64Array(C);
    const offset = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      k[c] = this.gamma.value[c]! * this.invStd[c]!;
      offset[c] = this.beta.value[c]! - mean[c]! * k[c]!;
    }
    const y = (this.out = sized(this.out, x.length));
    for (let i = 0; i < x.length; i += C)
      for (let c = 0; c < C; c++) y[i + c] = x[i + c]! * k[c]! + offset[c]!;
    return y;
  }

  /** Backward through the batch statistics (the training-mode forward). */
  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    const C = this.inShape.c;
    const n = dy.length / C;
    const { x, mean, invStd } = this;
    // Σ dy and Σ dy·x̂ with x̂ = (x − μ)/σ, from Σ dy·x.
    const sumDy = new Float64Array(C);
    const sumDyX = new Float64Array(C);
    for (let i = 0; i < dy.length; i += C)
      for (let c = 0; c < C; c++) {
        sumDy[c]! += dy[i + c]!;
        sumDyX[c]! += dy[i + c]! * x[i + c]!;
      }
    const sumDyXhat = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      sumDyXhat[c] = (sumDyX[c]! - mean[c]! * sumDy[c]!) * invStd[c]!;
      this.gamma.grad[c] = sumDyXhat[c]!;
      this.beta.grad[c] = sumDy[c]!;
    }
    if (!needDx) return undefined;
    // dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂)) = dy·k + x·u + v per channel.
    const k = new Float64Array(C);
    const u = new Float64Array(C);
    const v = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      k[c] = this.gamma.value[c]! * invStd[c]!;
      u[c] = (-k[c]! * invStd[c]! * sumDyXhat[c]!) / n;
      v[c] = (-k[c]! * sumDy[c]!) / n - mean[c]! * u[c]!;
    }
    const dx = (this.dx = sized(this.dx, dy.length));
    for (let i = 0; i < dy.length; i += C)
      for (let c = 0; c < C; c++) dx[i + c] = dy[i + c]! * k[c]! + x[i + c]! * u[c]! + v[c]!;
    return dx;
  }

  codeScale(): undefined {
    return undefined;
  }
}
