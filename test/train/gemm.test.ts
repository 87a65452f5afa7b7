import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matmulDyTX, matmulDyW, matmulXWt } from "../../src/train/gemm.js";

const rand = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(seed + i * 1.7) * 2);

describe("dense-layer matrix products", () => {
  it("match the naive triple loops for any shape (blocked and remainder paths)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer(),
        (B, I, O, s) => {
          const x = rand(B * I, s);
          const w = rand(O * I, s + 1);
          const dy = rand(B * O, s + 2);
          const y = new Float32Array(B * O);
          const dw = new Float32Array(O * I);
          const dx = new Float32Array(B * I);
          matmulXWt(x, w, y, B, I, O);
          matmulDyTX(dy, x, dw, B, I, O);
          matmulDyW(dy, w, dx, B, I, O);
          for (let b = 0; b < B; b++)
            for (let o = 0; o < O; o++) {
              let s1 = 0;
              for (let i = 0; i < I; i++) s1 += x[b * I + i]! * w[o * I + i]!;
              expect(y[b * O + o]).toBeCloseTo(s1, 4);
            }
          for (let o = 0; o < O; o++)
            for (let i = 0; i < I; i++) {
              let s2 = 0;
              for (let b = 0; b < B; b++) s2 += dy[b * O + o]! * x[b * I + i]!;
              expect(dw[o * I + i]).toBeCloseTo(s2, 4);
            }
          for (let b = 0; b < B; b++)
            for (let i = 0; i < I; i++) {
              let s3 = 0;
              for (let o = 0; o < O; o++) s3 += dy[b * O + o]! * w[o * I + i]!;
              expect(dx[b * I + i]).toBeCloseTo(s3, 4);
            }
        },
      ),
    );
  });
});
