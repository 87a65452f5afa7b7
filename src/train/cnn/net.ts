// A quantization-aware convolutional network built from an architecture spec: each conv is
// followed by batch norm and a quantized ReLU, each hidden dense layer by a quantized ReLU, and
// the last dense layer gives the class scores. Input values are pixel codes × inputScale.
import type { Rng } from "../../core/rng.js";
import { QuantRelu } from "./activation.js";
import type { ArchPlan } from "./arch.js";
import { BatchNorm2d } from "./batchnorm.js";
import { Conv2d } from "./conv2d.js";
import { Dense } from "./dense.js";
import { type Shape, shapeSize } from "./geometry.js";
import type { Layer, QuantSettings } from "./layer.js";
import { GlobalAvgPool, MaxPool2d } from "./pool.js";

export interface CnnConfig extends QuantSettings {
  plan: ArchPlan;
  /** Scale of the input codes (1/255: UINT8 codes map to [0, 1]). */
  inputScale: number;
}

export class QuantCnn {
  readonly layers: Layer[] = [];

  constructor(
    readonly cfg: CnnConfig,
    rng: Rng,
  ) {
    const { plan } = cfg;
    let s: Shape = plan.shapes[0]!;
    const add = (l: Layer) => {
      this.layers.push(l);
      s = l.outShape;
    };
    plan.layers.forEach((spec, i) => {
      const n = i + 1;
      switch (spec.kind) {
        case "conv": {
          const conv = new Conv2d(`conv${n}`, s, spec.out, spec, cfg);
          // He initialization for ReLU layers.
          const std = Math.sqrt(2 / conv.patch);
          for (let j = 0; j < conv.weight.value.length; j++) conv.weight.value[j] = rng.normal() * std;
          add(conv);
          add(new BatchNorm2d(`bn${n}`, s));
          add(new QuantRelu(`act${n}`, s, cfg));
          break;
        }
        case "maxpool":
          add(new MaxPool2d(`pool${n}`, s, spec.k, spec.stride));
          break;
        case "gap":
          add(new GlobalAvgPool(`gap${n}`, s));
          break;
        case "dense": {
          const last = i === plan.layers.length - 1;
          const index = this.layers.length;
          const fc = new Dense(`fc${n}`, s, spec.out, last, () => this.inputScaleOf(index), cfg);
          const std = Math.sqrt(2 / fc.inFeatures);
          for (let j = 0; j < fc.weight.value.length; j++) fc.weight.value[j] = rng.normal() * std;
          add(fc);
          if (!last) add(new QuantRelu(`act${n}`, s, cfg));
          break;
        }
      }
    });
  }

  get inputSize(): number {
    return shapeSize(this.cfg.plan.shapes[0]!);
  }

  /** Scale of the codes entering layer i (undefined when they are not codes). */
  inputScaleOf(i: number): number {
    let s: number | undefined = this.cfg.inputScale;
    for (let j = 0; j < i; j++) s = this.layers[j]!.codeScale(s);
    if (s === undefined) throw new Error(`${this.layers[i]!.name}: input is not quantized`);
    return s;
  }

  /** Class scores of B images; `training` selects batch statistics (no dropout in this network). */
  forward(x: Float32Array, B: number, training?: { rate: number; rng: Rng }): Float32Array {
    if (training && training.rate > 0)
      throw new Error("dropout is not supported by the convolutional trainer");
    let a = x;
    for (const l of this.layers) a = l.forward(a, B, training !== undefined);
    return a;
  }

  /** Fills every parameter's gradient from dLoss/dScores of the last forward (training mode). */
  backward(dScores: Float32Array): void {
    let d: Float32Array | undefined = dScores;
    for (let i = this.layers.length - 1; i >= 0; i--) d = this.layers[i]!.backward(d!, i > 0);
  }

  /** Sets every activation clip from one batch (a high percentile of its pre-activations). */
  calibrate(x: Float32Array, B: number): void {
    let a = x;
    for (const l of this.layers) {
      if (l instanceof QuantRelu) l.calibrate(a);
      a = l.forward(a, B, true);
    }
  }

  /** Parameters, gradients and decay flags in a fixed order (for the optimizer). */
  trainables(weightDecay: number): { params: Float32Array[]; grads: Float32Array[]; decay: number[] } {
    const ps = this.layers.flatMap((l) => l.params);
    return {
      params: ps.map((p) => p.value),
      grads: ps.map((p) => p.grad),
      decay: ps.map((p) => (p.decay ? weightDecay : 0)),
    };
  }

  /** Keeps each clip positive: it is the top of its activation grid. */
  clampClips(): void {
    for (const l of this.layers)
      if (l instanceof QuantRelu) l.alpha.value[0] = Math.max(l.alpha.value[0]!, 1e-3);
  }

  private state(): Float32Array[] {
    return this.layers.flatMap((l) => [...l.params.map((p) => p.value), ...l.buffers]);
  }

  /** Deep copy of parameters and batch-norm statistics (early stopping keeps the best epoch's). */
  snapshot(): Float32Array[] {
    return this.state().map((a) => a.slice());
  }

  restore(s: Float32Array[]): void {
    this.state().forEach((a, i) => a.set(s[i]!));
  }
}
