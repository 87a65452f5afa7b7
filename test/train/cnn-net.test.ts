import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { ArchError, describeLayer, parseArch, planArch } from "../../src/train/cnn/arch.js";
import { QuantCnn } from "../../src/train/cnn/net.js";
import { trainCnn } from "../../src/train/cnn/train.js";
import { softmaxCrossEntropy } from "../../src/train/mlp.js";
import { bars } from "../support/bars.js";

describe("architecture spec", () => {
  it("parses the string grammar and plans shapes and MACs of the flagship CNN", () => {
    const layers = parseArch("c16k3-p2-c32k3-p2-c64k3-p2-c128k3-p2-fc2");
    const plan = planArch(layers, { h: 64, w: 64, c: 1 }, 2);
    expect(plan.shapes.map((s) => `${s.h}x${s.w}x${s.c}`)).toEqual([
      "64x64x1",
      "62x62x16",
      "31x31x16",
      "29x29x32",
      "14x14x32",
      "12x12x64",
      "6x6x64",
      "4x4x128",
      "2x2x128",
      "1x1x2",
    ]);
    // 8.26 M MACs per image (the "about 8.3 M").
    expect(plan.macs.reduce((a, b) => a + b, 0)).toBe(8_263_744);
  });

  it("reads stride, rectangular kernels, padding, pool strides and gap; describeLayer round-trips", () => {
    const spec = "c8k3x5s2psame-c4k3p1-p3s2-gap-fc10-fc2";
    const layers = parseArch(spec);
    expect(layers[0]).toEqual({ kind: "conv", out: 8, kh: 3, kw: 5, stride: 2, pad: "same" });
    expect(layers[1]).toEqual({ kind: "conv", out: 4, kh: 3, kw: 3, stride: 1, pad: 1 });
    expect(layers[2]).toEqual({ kind: "maxpool", k: 3, stride: 2 });
    expect(layers.map(describeLayer).join("-")).toBe(spec);
    expect(
      parseArch(
        '[{"kind":"conv","out":8,"kh":3,"kw":5,"stride":2,"pad":"same"},{"kind":"conv","out":4,"k":3,"pad":1},{"kind":"maxpool","k":3,"stride":2},{"kind":"gap"},{"kind":"dense","out":10},{"kind":"dense","out":2}]',
      ),
    ).toEqual(layers);
  });

  it("rejects bad specs with one line naming the problem", () => {
    const bad: Array<[string, RegExp]> = [
      ["", /empty architecture/],
      ["c16k3-q2-fc2", /layer "q2": expected/],
      ["c0k3-fc2", /c0k3: channels must be/],
      ["c16k3-p2", /last layer must be fc2/],
      ["c16k3-fc3", /fc3 must have one output per class \(fc2\)/],
      ["c16k9-fc2", /layer 1 \(c16k9\) on 8x8x1: window larger/],
      ["fc8-c4k3-fc2", /only dense layers may follow a dense layer/],
      ['[{"kind":"conv","out":4}]', /missing kh/],
      ['[{"kind":"conv","out":4,"k":3,"pad":"full"}]', /pad must be/],
      ["[1,", /architecture JSON/],
    ];
    for (const [spec, msg] of bad) {
      const run = () => planArch(parseArch(spec), { h: 8, w: 8, c: 1 }, 2);
      expect(run, spec).toThrow(ArchError);
      expect(run, spec).toThrow(msg);
    }
  });
});

describe("QuantCnn backward", () => {
  it("matches central finite differences for every parameter of a small float network", () => {
    const rng = new Rng(21);
    const plan = planArch(parseArch("c3k3s2psame-c4k2x3p1-p2s1-gap-fc5-fc3"), { h: 6, w: 7, c: 2 }, 3);
    const net = new QuantCnn({ plan, wbits: 8, abits: 8, float: true, inputScale: 1 }, rng);
    const B = 4;
    const x = Float32Array.from({ length: B * net.inputSize }, () => rng.next());
    for (const l of net.layers)
      for (const p of l.params) {
        if (p.value.length === 1)
          p.value[0] = 3; // clips high enough that few values saturate
        else for (let i = 0; i < p.value.length; i++) p.value[i] = p.value[i]! + 0.1 * rng.normal();
      }
    const labels = [0, 1, 2, 1];
    const weights = [1, 2, 0.5];
    const loss = () =>
      softmaxCrossEntropy(
        net.forward(x, B, { rate: 0, rng }),
        labels,
        weights,
        B,
        3,
        new Float32Array(B * 3),
      );
    const d = new Float32Array(B * 3);
    softmaxCrossEntropy(net.forward(x, B, { rate: 0, rng }), labels, weights, B, 3, d);
    net.backward(d);
    // ReLU and max-pool make the loss piecewise smooth, and batch statistics move every value
    // when any parameter moves, so a step may cross a kink: an entry passes if the difference
    // quotient agrees at one of three step sizes (a wrong gradient agrees at none).
    let checked = 0;
    for (const l of net.layers)
      for (const p of l.params) {
        const grad = p.grad.slice();
        for (let i = 0; i < p.value.length; i++) {
          const keep = p.value[i]!;
          const errors = [1e-3, 3e-4, 1e-4].map((eps) => {
            p.value[i] = keep + eps;
            const up = loss();
            p.value[i] = keep - eps;
            const down = loss();
            p.value[i] = keep;
            const numeric = (up - down) / (2 * eps);
            return Math.abs(numeric - grad[i]!) / (2e-3 + 2e-2 * Math.abs(numeric));
          });
          expect(Math.min(...errors), `${l.name}[${i}]`).toBeLessThan(1);
          checked++;
        }
      }
    expect(checked).toBeGreaterThan(150);
  });
});

describe("training a small CNN", () => {
  const S = 10;
  const train = bars(400, 1, S);
  const val = bars(200, 2, S);
  const run = (seed: number) =>
    trainCnn(train, val, S, S, 2, {
      arch: parseArch("c8k3-p2-c16k3-gap-fc2"),
      wbits: 4,
      abits: 4,
      epochs: 8,
      seed,
      batch: 32,
      lr: 0.01,
      augment: { shift: 1, contrast: 0.1, brightness: 0.02 },
    });

  it("W4A4 learns bar orientation (translation-invariant, not linearly separable by position)", () => {
    const t = run(3);
    expect(t.history[t.bestEpoch - 1]!.valAccuracy).toBeGreaterThan(0.95);
  });

  it("is deterministic for a seed", () => {
    const a = run(5);
    const b = run(5);
    expect(a.history.map((h) => h.valLoss)).toEqual(b.history.map((h) => h.valLoss));
    expect(a.net.snapshot()).toEqual(b.net.snapshot());
  });
});
