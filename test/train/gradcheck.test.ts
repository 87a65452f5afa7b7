import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { QuantMlp, softmaxCrossEntropy } from "../../src/train/mlp.js";

// In float mode the network has no rounding, so backward() must be the exact derivative of the
// weighted cross-entropy; the fake-quant mode reuses the same code paths with STE masks.
describe("backward pass", () => {
  it("matches central finite differences for weights, biases and activation clips", () => {
    const rng = new Rng(5);
    const net = new QuantMlp(
      { inputs: 6, hidden: [5, 4], outputs: 3, wbits: 8, abits: 8, inputScale: 1, float: true },
      rng,
    );
    for (const p of net.layers) {
      for (let i = 0; i < p.b.length; i++) p.b[i] = 0.1 * rng.normal();
      p.alpha[0] = 1.2;
    }
    const B = 5;
    const x = Float32Array.from({ length: B * 6 }, () => rng.next());
    const labels = [0, 1, 2, 1, 0];
    const weights = [1, 2, 0.5];
    const loss = () => {
      const logits = net.forward(x, B);
      return softmaxCrossEntropy(logits, labels, weights, B, 3, new Float32Array(B * 3));
    };
    const logits = net.forward(x, B);
    const d = new Float32Array(B * 3);
    softmaxCrossEntropy(logits, labels, weights, B, 3, d);
    net.backward(d);
    const eps = 1e-3;
    let checked = 0;
    net.layers.forEach((p, l) => {
      const g = net.grads[l]!;
      const tensors: Array<[Float32Array, Float32Array]> = [
        [p.w, g.w],
        [p.b, g.b],
      ];
      if (l < net.layers.length - 1) tensors.push([p.alpha, g.alpha]);
      for (const [param, grad] of tensors) {
        for (let i = 0; i < param.length; i++) {
          const keep = param[i]!;
          param[i] = keep + eps;
          const up = loss();
          param[i] = keep - eps;
          const down = loss();
          param[i] = keep;
          const numeric = (up - down) / (2 * eps);
          expect(Math.abs(numeric - grad[i]!)).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
          checked++;
        }
      }
    });
    expect(checked).toBeGreaterThan(60);
  });
});

describe("label-smoothed cross-entropy", () => {
  it("is plain cross-entropy at ε = 0 and its gradient matches finite differences at ε = 0.1", () => {
    const rng = new Rng(9);
    const B = 4;
    const K = 3;
    const logits = Float32Array.from({ length: B * K }, () => rng.normal());
    const labels = [2, 0, 1, 1];
    const weights = [1, 3, 0.5];
    const g0 = new Float32Array(B * K);
    const gs = new Float32Array(B * K);
    const plain = softmaxCrossEntropy(logits, labels, weights, B, K, g0);
    expect(softmaxCrossEntropy(logits, labels, weights, B, K, gs, 0)).toBe(plain);
    const loss = (l: Float32Array) =>
      softmaxCrossEntropy(l, labels, weights, B, K, new Float32Array(B * K), 0.1);
    const smooth = softmaxCrossEntropy(logits, labels, weights, B, K, gs, 0.1);
    expect(smooth).toBeGreaterThan(0);
    const eps = 1e-3;
    for (let i = 0; i < logits.length; i++) {
      const up = Float32Array.from(logits);
      const down = Float32Array.from(logits);
      up[i] = up[i]! + eps;
      down[i] = down[i]! - eps;
      const numeric = (loss(up) - loss(down)) / (2 * eps);
      expect(Math.abs(numeric - gs[i]!)).toBeLessThan(1e-3);
    }
    // Each row's smoothed gradient still sums to zero.
    for (let r = 0; r < B; r++)
      expect(Math.abs(gs[r * K]! + gs[r * K + 1]! + gs[r * K + 2]!)).toBeLessThan(1e-6);
  });
});
