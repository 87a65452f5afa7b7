// Adam with decoupled weight decay (AdamW): decay shrinks weights directly instead of being
// mixed into the adaptive gradient, so its strength does not depend on gradient magnitudes.

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class Adam {
  private m: Float32Array[];
  private v: Float32Array[];
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;

  constructor(
    private readonly params: Float32Array[],
    opts: AdamOptions = {},
  ) {
    this.m = params.map((p) => new Float32Array(p.length));
    this.v = params.map((p) => new Float32Array(p.length));
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
  }

  /** One update; decay[i] is the decoupled weight decay of parameter tensor i (0 for none). */
  step(grads: Float32Array[], lr: number, decay: number[]): void {
    this.t++;
    const { beta1: b1, beta2: b2, eps } = this;
    const c1 = 1 / (1 - b1 ** this.t);
    const c2 = 1 / (1 - b2 ** this.t);
    this.params.forEach((p, k) => {
      const g = grads[k]!;
      const m = this.m[k]!;
      const v = this.v[k]!;
      const shrink = 1 - lr * (decay[k] ?? 0);
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        const mi = (m[i] = b1 * m[i]! + (1 - b1) * gi);
        const vi = (v[i] = b2 * v[i]! + (1 - b2) * gi * gi);
        p[i] = p[i]! * shrink - (lr * (mi * c1)) / (Math.sqrt(vi * c2) + eps);
      }
    });
  }
}
