import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { BatchNorm2d } from "../../src/train/cnn/batchnorm.js";
import { Conv2d } from "../../src/train/cnn/conv2d.js";
import type { Shape } from "../../src/train/cnn/geometry.js";
import { gemmAB, gemmABt, gemmAtB } from "../../src/train/cnn/kernels.js";
import type { Layer } from "../../src/train/cnn/layer.js";
import { GlobalAvgPool, MaxPool2d } from "../../src/train/cnn/pool.js";

const FLOAT = { wbits: 8, abits: 8, float: true };
const QUANT4 = { wbits: 4, abits: 4, float: false };

/** L = Σ r·y in double precision: its gradient w.r.t. y is r. */
function projected(layer: Layer, x: Float32Array, B: number, r: Float64Array): number {
  const y = layer.forward(x, B, true);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += r[i]! * y[i]!;
  return s;
}

/**
 * Central finite differences of the projected loss against backward() for the input and every
 * parameter of the layer, all entries checked.
 */
function gradcheck(layer: Layer, x: Float32Array, B: number, rng: Rng, eps: number, tol = 2e-3): number {
  const outLen = layer.forward(x, B, true).length;
  const r = Float64Array.from({ length: outLen }, () => rng.normal());
  const dx = layer.backward(Float32Array.from(r), true)!;
  const tensors: Array<[Float32Array, Float32Array]> = [[x, dx]];
  for (const p of layer.params) tensors.push([p.value, p.grad.slice()]);
  let checked = 0;
  for (const [v, g] of tensors) {
    for (let i = 0; i < v.length; i++) {
      const keep = v[i]!;
      v[i] = keep + eps;
      const up = projected(layer, x, B, r);
      v[i] = keep - eps;
      const down = projected(layer, x, B, r);
      v[i] = keep;
      const numeric = (up - down) / (2 * eps);
      expect(Math.abs(numeric - g[i]!), `entry ${i}: numeric ${numeric}, analytic ${g[i]}`).toBeLessThan(
        tol + tol * 10 * Math.abs(numeric),
      );
      checked++;
    }
  }
  return checked;
}

function randomInput(rng: Rng, B: number, s: Shape): Float32Array {
  return Float32Array.from({ length: B * s.h * s.w * s.c }, () => rng.normal());
}

function randomConv(rng: Rng, s: Shape, oc: number, g: ConstructorParameters<typeof Conv2d>[3], q = FLOAT) {
  const conv = new Conv2d("conv", s, oc, g, q);
  for (let i = 0; i < conv.weight.value.length; i++) conv.weight.value[i] = rng.normal() * 0.5;
  return conv;
}

/** Direct convolution written from the definition (NHWC input, OC×KH×KW×C weights), TF "same". */
function directConv(
  x: Float32Array,
  w: Float32Array,
  B: number,
  s: Shape,
  oc: number,
  kh: number,
  kw: number,
  stride: number,
  pad: "valid" | "same" | number,
): { y: Float64Array; oh: number; ow: number } {
  const axis = (n: number, k: number) => {
    if (pad === "same") {
      const out = Math.ceil(n / stride);
      return { out, lead: Math.floor(Math.max(0, (out - 1) * stride + k - n) / 2) };
    }
    const p = pad === "valid" ? 0 : pad;
    return { out: Math.floor((n + 2 * p - k) / stride) + 1, lead: p };
  };
  const r = axis(s.h, kh);
  const c = axis(s.w, kw);
  const y = new Float64Array(B * r.out * c.out * oc);
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < r.out; oy++)
      for (let ox = 0; ox < c.out; ox++)
        for (let o = 0; o < oc; o++) {
          let acc = 0;
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++)
              for (let ch = 0; ch < s.c; ch++) {
                const iy = oy * stride + ky - r.lead;
                const ix = ox * stride + kx - c.lead;
                if (iy < 0 || ix < 0 || iy >= s.h || ix >= s.w) continue;
                acc += x[((b * s.h + iy) * s.w + ix) * s.c + ch]! * w[((o * kh + ky) * kw + kx) * s.c + ch]!;
              }
          y[((b * r.out + oy) * c.out + ox) * oc + o] = acc;
        }
  return { y, oh: r.out, ow: c.out };
}

describe("GEMM kernels", () => {
  it("every entry equals the single-precision sum in increasing k, inside and outside the SIMD blocks", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 13 }),
        fc.integer({ min: 1, max: 21 }),
        fc.integer({ min: 1, max: 17 }),
        fc.integer({ min: 0, max: 1000 }),
        (m, k, n, seed) => {
          const rng = new Rng(seed);
          const rand = (len: number) => Float32Array.from({ length: len }, () => rng.normal());
          const a = rand(m * k);
          const w = rand(n * k);
          const dy = rand(m * n);
          const f = Math.fround;
          // Reference: C[i, j] = Σ_t A(i, t)·B(t, j), each product and sum rounded to single precision.
          const reference = (
            rows: number,
            cols: number,
            depth: number,
            at: (i: number, t: number) => number,
            bt: (t: number, j: number) => number,
          ) =>
            Float32Array.from({ length: rows * cols }, (_, e) => {
              const i = Math.floor(e / cols);
              const j = e % cols;
              let s = 0;
              for (let t = 0; t < depth; t++) s = f(s + f(at(i, t) * bt(t, j)));
              return s;
            });
          const y = new Float32Array(m * n);
          gemmABt(a, w, y, m, k, n);
          expect(y).toEqual(
            reference(
              m,
              n,
              k,
              (i, t) => a[i * k + t]!,
              (t, j) => w[j * k + t]!,
            ),
          );
          const dw = new Float32Array(n * k);
          gemmAtB(dy, a, dw, m, n, k);
          expect(dw).toEqual(
            reference(
              n,
              k,
              m,
              (i, t) => dy[t * n + i]!,
              (t, j) => a[t * k + j]!,
            ),
          );
          const da = new Float32Array(m * k);
          gemmAB(dy, w, da, m, n, k);
          expect(da).toEqual(
            reference(
              m,
              k,
              n,
              (i, t) => dy[i * n + t]!,
              (t, j) => w[t * k + j]!,
            ),
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("Conv2d", () => {
  it("forward equals a direct convolution for random shapes, kernels, strides and paddings", () => {
    fc.assert(
      fc.property(
        fc.record({
          h: fc.integer({ min: 1, max: 9 }),
          w: fc.integer({ min: 1, max: 9 }),
          c: fc.integer({ min: 1, max: 5 }),
          oc: fc.integer({ min: 1, max: 6 }),
          kh: fc.integer({ min: 1, max: 4 }),
          kw: fc.integer({ min: 1, max: 4 }),
          stride: fc.integer({ min: 1, max: 3 }),
          pad: fc.oneof(
            fc.constant("valid" as const),
            fc.constant("same" as const),
            fc.integer({ min: 0, max: 2 }),
          ),
          batch: fc.integer({ min: 1, max: 3 }),
          quantized: fc.boolean(),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        (p) => {
          const padded = (n: number) => n + (typeof p.pad === "number" ? 2 * p.pad : 0);
          fc.pre(p.pad === "same" || (padded(p.h) >= p.kh && padded(p.w) >= p.kw));
          const rng = new Rng(p.seed);
          const s = { h: p.h, w: p.w, c: p.c };
          const conv = randomConv(rng, s, p.oc, p, p.quantized ? QUANT4 : FLOAT);
          const x = randomInput(rng, p.batch, s);
          const y = conv.forward(x, p.batch, true);
          const want = directConv(x, conv.quantizedWeights(), p.batch, s, p.oc, p.kh, p.kw, p.stride, p.pad);
          expect(conv.outShape).toEqual({ h: want.oh, w: want.ow, c: p.oc });
          expect(y.length).toBe(want.y.length);
          for (let i = 0; i < y.length; i++) expect(Math.abs(y[i]! - want.y[i]!)).toBeLessThan(1e-4);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("pads TensorFlow 'same' asymmetrically at stride 2 (extra zero at the bottom/right)", () => {
    const conv = new Conv2d("conv", { h: 4, w: 4, c: 1 }, 1, { kh: 3, kw: 3, stride: 2, pad: "same" }, FLOAT);
    expect(conv.rows).toEqual({ out: 2, before: 0, after: 1 });
    expect(conv.cols).toEqual({ out: 2, before: 0, after: 1 });
  });

  it("weights are quantized per output channel on the 4-bit narrow grid", () => {
    const rng = new Rng(4);
    const conv = randomConv(rng, { h: 5, w: 5, c: 3 }, 4, { kh: 3, kw: 3, stride: 1, pad: "valid" }, QUANT4);
    const wq = conv.quantizedWeights();
    for (let o = 0; o < 4; o++) {
      const row = wq.subarray(o * 27, (o + 1) * 27);
      const step = Math.min(...Array.from(row, Math.abs).filter((v) => v > 0));
      const codes = Array.from(row, (v) => v / step);
      for (const c of codes) expect(Math.abs(c - Math.round(c))).toBeLessThan(1e-4);
      expect(new Set(codes.map(Math.round)).size).toBeLessThanOrEqual(15);
    }
  });

  for (const [label, s, oc, g] of [
    ["3x3 valid", { h: 5, w: 6, c: 2 }, 3, { kh: 3, kw: 3, stride: 1, pad: "valid" }],
    ["3x3 stride 2 'same' (asymmetric)", { h: 6, w: 5, c: 2 }, 3, { kh: 3, kw: 3, stride: 2, pad: "same" }],
    ["2x3 stride 1 padding 1", { h: 4, w: 5, c: 3 }, 2, { kh: 2, kw: 3, stride: 1, pad: 1 }],
  ] as const) {
    it(`backward matches finite differences: ${label}`, () => {
      const rng = new Rng(7);
      const conv = randomConv(rng, s, oc, g);
      const x = randomInput(rng, 2, s);
      expect(gradcheck(conv, x, 2, rng, 1e-2)).toBeGreaterThan(100);
    });
  }
});

describe("pooling and batch norm", () => {
  it("max-pool backward matches finite differences (kernel 3, stride 2)", () => {
    const rng = new Rng(11);
    const s = { h: 7, w: 6, c: 3 };
    const pool = new MaxPool2d("pool", s, 3, 2);
    expect(pool.outShape).toEqual({ h: 3, w: 2, c: 3 });
    expect(gradcheck(pool, randomInput(rng, 2, s), 2, rng, 1e-4)).toBe(2 * 7 * 6 * 3);
  });

  it("max-pool forward takes each window's maximum per channel (kernel = stride)", () => {
    const s = { h: 4, w: 4, c: 2 };
    const x = Float32Array.from({ length: 32 }, (_, i) => (i * 7) % 11);
    const y = new MaxPool2d("pool", s, 2, 2).forward(x, 1, false);
    for (let oy = 0; oy < 2; oy++)
      for (let ox = 0; ox < 2; ox++)
        for (let c = 0; c < 2; c++) {
          const window = [0, 1, 2, 3].map((k) => x[((2 * oy + (k >> 1)) * 4 + 2 * ox + (k & 1)) * 2 + c]!);
          expect(y[(oy * 2 + ox) * 2 + c]).toBe(Math.max(...window));
        }
  });

  it("global average pool backward matches finite differences", () => {
    const rng = new Rng(12);
    const s = { h: 3, w: 4, c: 5 };
    expect(gradcheck(new GlobalAvgPool("gap", s), randomInput(rng, 2, s), 2, rng, 1e-2)).toBe(120);
  });

  it("batch norm backward (batch statistics) matches finite differences", () => {
    const rng = new Rng(13);
    const s = { h: 3, w: 3, c: 4 };
    const bn = new BatchNorm2d("bn", s);
    for (let c = 0; c < 4; c++) {
      bn.gamma.value[c] = 0.5 + rng.next();
      bn.beta.value[c] = rng.normal();
    }
    expect(gradcheck(bn, randomInput(rng, 3, s), 3, rng, 1e-3, 3e-3)).toBe(3 * 36 + 8);
  });

  it("batch norm normalizes per channel while training and uses running statistics in evaluation", () => {
    const rng = new Rng(14);
    const s = { h: 4, w: 4, c: 2 };
    const bn = new BatchNorm2d("bn", s);
    const x = Float32Array.from(
      { length: 4 * 32 },
      (_, i) => (i % 2 ? 5 : -3) + (i % 2 ? 2 : 0.5) * rng.normal(),
    );
    const y = bn.forward(x, 4, true);
    for (let c = 0; c < 2; c++) {
      const v = Array.from(y).filter((_, i) => i % 2 === c);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(Math.abs(variance - 1)).toBeLessThan(1e-3);
    }
    // Running stats moved 10 % of the way from (0, 1) towards the batch's.
    expect(bn.runningMean[1]).toBeGreaterThan(0.4);
    const evalY = bn.forward(x, 4, false);
    expect(evalY[1]).toBeCloseTo((x[1]! - bn.runningMean[1]!) / Math.sqrt(bn.runningVar[1]! + 1e-5), 4);
  });
});
