// Fake-quantized MLP: quantized weights (narrow signed, per-channel scales in hidden layers,
// per-tensor in the last so that class scores share one grid), biases on the accumulator grid
// (as Brevitas Int32Bias), unsigned quantized ReLU activations with a learned clip (PACT), and
// straight-through estimators for every rounding. The float semantics are those of the model
// file: acc·scale + bias → ReLU → code = clamp(roundHalfEven(y / qscale), 0, 2^abits − 1).

import type { Rng } from "../core/rng.js";
import { roundHalfEven } from "../model/golden/rounding.js";
import { matmulDyTX, matmulDyW, matmulXWt } from "./gemm.js";
import { activationCode, quantizeWeights } from "./quant.js";

export interface MlpConfig {
  inputs: number;
  hidden: number[];
  outputs: number;
  wbits: number;
  abits: number;
  /** Scale of the UINT8 input codes (1/255: codes map to [0, 1]). */
  inputScale: number;
  /**
   * Float mode for gradient checks: no rounding anywhere (weights, biases, activations are
   * clipped to [0, α] but not quantized), so backward() is the exact derivative.
   */
  float?: boolean;
}

export interface DenseParams {
  inF: number;
  outF: number;
  w: Float32Array;
  b: Float32Array;
  /** Activation clip α (hidden layers): the quantization step is α / (2^abits − 1). */
  alpha: Float32Array;
}

export interface DenseGrads {
  w: Float32Array;
  b: Float32Array;
  alpha: Float32Array;
}

interface LayerCache {
  input: Float32Array;
  wq: Float32Array;
  z: Float32Array;
  out: Float32Array;
  dropMask?: Float32Array;
}

export class QuantMlp {
  readonly layers: DenseParams[];
  readonly grads: DenseGrads[];
  private cache: LayerCache[] = [];
  private batch = 0;

  constructor(
    readonly cfg: MlpConfig,
    rng: Rng,
  ) {
    const sizes = [cfg.inputs, ...cfg.hidden, cfg.outputs];
    this.layers = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const inF = sizes[l]!;
      const outF = sizes[l + 1]!;
      const w = new Float32Array(inF * outF);
      // He initialization for ReLU layers; inputs are in [0, 1], so this keeps z of order one.
      const std = Math.sqrt(2 / inF);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
      this.layers.push({ inF, outF, w, b: new Float32Array(outF), alpha: new Float32Array([0]) });
    }
    this.grads = this.layers.map((p) => ({
      w: new Float32Array(p.w.length),
      b: new Float32Array(p.b.length),
      alpha: new Float32Array(1),
    }));
  }

  get levels(): number {
    return 2 ** this.cfg.abits - 1;
  }

  isLast(l: number): boolean {
    return l === this.layers.length - 1;
  }

  /** Scale of layer l's input codes. */
  inputScaleOf(l: number): number {
    return l === 0 ? this.cfg.inputScale : this.layers[l - 1]!.alpha[0]! / this.levels;
  }

  /** Quantized weights of layer l as integer codes and scales (what the exporter writes). */
  quantized(l: number) {
    const p = this.layers[l]!;
    if (this.cfg.float) return { codes: p.w.slice(), scale: new Float64Array(p.outF).fill(1) };
    return quantizeWeights(p.w, p.outF, p.inF, this.cfg.wbits, !this.isLast(l));
  }

  /**
   * Sets each hidden clip α from a batch (a high percentile of its pre-activations) before
   * training: a good start matters for low bit widths, where a bad α wastes most codes.
   */
  calibrate(x: Float32Array, B: number): void {
    for (let l = 0; l < this.layers.length - 1; l++) this.layers[l]!.alpha[0] = 0;
    let input = x;
    for (let l = 0; l < this.layers.length; l++) {
      const p = this.layers[l]!;
      const z = new Float32Array(B * p.outF);
      const q = this.quantized(l);
      matmulXWt(input, dequant(q.codes, q.scale, p.inF), z, B, p.inF, p.outF);
      if (this.isLast(l)) break;
      const pos = Array.from(z)
        .filter((v) => v > 0)
        .sort((a, b) => a - b);
      p.alpha[0] = pos.length ? pos[Math.floor(0.995 * (pos.length - 1))]! : 1;
      const qs = p.alpha[0]! / this.levels;
      input = z.map((v) => qs * activationCode(v, qs, this.levels));
    }
  }

  /** Forward pass on B rows of inputs (values code·inputScale); dropout only when `drop` is given. */
  forward(x: Float32Array, B: number, drop?: { rate: number; rng: Rng }): Float32Array {
    this.batch = B;
    this.cache = [];
    let input = x;
    for (let l = 0; l < this.layers.length; l++) {
      const p = this.layers[l]!;
      const q = this.quantized(l);
      const wq = dequant(q.codes, q.scale, p.inF);
      const z = new Float32Array(B * p.outF);
      matmulXWt(input, wq, z, B, p.inF, p.outF);
      const sIn = this.inputScaleOf(l);
      for (let c = 0; c < p.outF; c++) {
        const acc = q.scale[c]! * sIn;
        const bq = this.cfg.float ? p.b[c]! : roundHalfEven(p.b[c]! / acc) * acc;
        for (let r = 0; r < B; r++) z[r * p.outF + c]! += bq;
      }
      if (this.isLast(l)) {
        this.cache.push({ input, wq, z, out: z });
        return z;
      }
      const L = this.levels;
      const qs = p.alpha[0]! / L;
      const out = new Float32Array(z.length);
      for (let i = 0; i < z.length; i++) {
        out[i] = this.cfg.float
          ? Math.min(p.alpha[0]!, Math.max(0, z[i]!))
          : qs * activationCode(z[i]!, qs, L);
      }
      let dropMask: Float32Array | undefined;
      if (drop && drop.rate > 0) {
        dropMask = new Float32Array(z.length);
        const keep = 1 / (1 - drop.rate);
        for (let i = 0; i < z.length; i++) {
          dropMask[i] = drop.rng.next() < drop.rate ? 0 : keep;
          out[i]! *= dropMask[i]!;
        }
      }
      this.cache.push({ input, wq, z, out, dropMask });
      input = out;
    }
    throw new Error("network has no layers");
  }

  /** Backward pass from dLoss/dLogits; fills `grads` (straight-through rounding, PACT clip). */
  backward(dLogits: Float32Array): void {
    const B = this.batch;
    let dy = dLogits;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const p = this.layers[l]!;
      const g = this.grads[l]!;
      const c = this.cache[l]!;
      let dz = dy;
      g.alpha[0] = 0;
      if (!this.isLast(l)) {
        dz = new Float32Array(dy.length);
        const alpha = p.alpha[0]!;
        let dAlpha = 0;
        for (let i = 0; i < dy.length; i++) {
          const d = c.dropMask ? dy[i]! * c.dropMask[i]! : dy[i]!;
          const z = c.z[i]!;
          if (z >= alpha) dAlpha += d;
          else if (z > 0) dz[i] = d;
        }
        g.alpha[0] = dAlpha;
      }
      matmulDyTX(dz, c.input, g.w, B, p.inF, p.outF);
      g.b.fill(0);
      for (let r = 0; r < B; r++) for (let o = 0; o < p.outF; o++) g.b[o]! += dz[r * p.outF + o]!;
      if (l > 0) {
        const dx = new Float32Array(B * p.inF);
        matmulDyW(dz, c.wq, dx, B, p.inF, p.outF);
        dy = dx;
      }
    }
  }

  /** Deep copy of the parameters (early stopping keeps the best epoch's). */
  snapshot(): DenseParams[] {
    return this.layers.map((p) => ({ ...p, w: p.w.slice(), b: p.b.slice(), alpha: p.alpha.slice() }));
  }

  restore(s: DenseParams[]): void {
    s.forEach((p, l) => {
      this.layers[l]!.w.set(p.w);
      this.layers[l]!.b.set(p.b);
      this.layers[l]!.alpha.set(p.alpha);
    });
  }
}

/** codes·scale row by row, as Float32 (the weights the fake-quant pass multiplies with). */
export function dequant(codes: Float32Array, scale: Float64Array, cols: number): Float32Array {
  const out = new Float32Array(codes.length);
  for (let r = 0; r < scale.length; r++) {
    const s = scale[r]!;
    for (let i = r * cols; i < (r + 1) * cols; i++) out[i] = codes[i]! * s;
  }
  return out;
}

/** Weighted softmax cross-entropy: returns the loss and writes dLoss/dLogits into `grad`. */
export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
  B: number,
  K: number,
  grad: Float32Array,
  /** Label smoothing ε: the target is (1 − ε)·onehot(y) + ε/K. */
  smoothing = 0,
): number {
  let loss = 0;
  let wsum = 0;
  for (let r = 0; r < B; r++) wsum += weights[labels[r]!]!;
  for (let r = 0; r < B; r++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) m = Math.max(m, logits[r * K + k]!);
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(logits[r * K + k]! - m);
    const y = labels[r]!;
    const w = weights[y]! / wsum;
    const ls = Math.log(s);
    for (let k = 0; k < K; k++) {
      const qk = (k === y ? 1 - smoothing : 0) + smoothing / K;
      if (qk > 0) loss -= w * qk * (logits[r * K + k]! - m - ls);
      const pk = Math.exp(logits[r * K + k]! - m) / s;
      grad[r * K + k] = w * (pk - qk);
    }
  }
  return loss;
}
