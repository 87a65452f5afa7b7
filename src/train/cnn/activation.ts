// Quantized ReLU with a learned clip α (PACT): out = qs·code, code = activationCode(z, qs, L),
// qs = α / L, L = 2^abits − 1. Straight-through gradient inside (0, α); above α the gradient
// goes to α instead. This is the same activation as QuantMlp's hidden layers.
import { activationCode } from "../quant.js";
import type { Shape } from "./geometry.js";
import { type Layer, type Param, param, type QuantSettings, sized } from "./layer.js";

export class QuantRelu implements Layer {
  readonly outShape: Shape;
  readonly alpha: Param;
  readonly params: Param[];
  readonly buffers: Float32Array[] = [];
  private z: Float32Array = new Float32Array(0);
  private out: Float32Array = new Float32Array(0);
  private dz: Float32Array = new Float32Array(0);

  constructor(
    readonly name: string,
    readonly inShape: Shape,
    private readonly q: QuantSettings,
  ) {
    this.outShape = inShape;
    this.alpha = param(1, true);
    this.alpha.value[0] = 1;
    this.params = [this.alpha];
  }

  get levels(): number {
    return 2 ** this.q.abits - 1;
  }

  forward(z: Float32Array, _batch: number, _training: boolean): Float32Array {
    this.z = z;
    const alpha = this.alpha.value[0]!;
    const L = this.levels;
    const qs = alpha / L;
    const out = (this.out = sized(this.out, z.length));
    if (this.q.float) for (let i = 0; i < z.length; i++) out[i] = Math.min(alpha, Math.max(0, z[i]!));
    else for (let i = 0; i < z.length; i++) out[i] = qs * activationCode(z[i]!, qs, L);
    return out;
  }

  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    const alpha = this.alpha.value[0]!;
    const dz = (this.dz = sized(this.dz, dy.length));
    let dAlpha = 0;
    for (let i = 0; i < dy.length; i++) {
      const z = this.z[i]!;
      if (z >= alpha) {
        dAlpha += dy[i]!;
        dz[i] = 0;
      } else dz[i] = z > 0 ? dy[i]! : 0;
    }
    this.alpha.grad[0] = dAlpha;
    return needDx ? dz : undefined;
  }

  /** Sets α to a high percentile of the positive pre-activations z (start of training). */
  calibrate(z: Float32Array): void {
    // A strided sample of at most ~200k values keeps the sort cheap on large feature maps.
    const step = Math.max(1, Math.ceil(z.length / 200000));
    const pos: number[] = [];
    for (let i = 0; i < z.length; i += step) if (z[i]! > 0) pos.push(z[i]!);
    pos.sort((a, b) => a - b);
    this.alpha.value[0] = pos.length ? pos[Math.floor(0.995 * (pos.length - 1))]! : 1;
  }

  codeScale(): number {
    return this.alpha.value[0]! / this.levels;
  }
}
