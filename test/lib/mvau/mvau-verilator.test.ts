// MVAU in Verilator: random layers (several vectors per build, full rate and under bubbles and
// backpressure) against the golden models, exact cycle counts, lint-clean Verilog, and XNOR
// layers against an independent ±1 dot product.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lintVerilog } from "../../../sim/index.js";
import { elaborate } from "../../../src/dsl/index.js";
import { Mvau, type MvauParams, mvauShape } from "../../../src/lib/mvau/index.js";
import { emitVerilog } from "../../../src/rtl/emit.js";
import { BIPOLAR, INT, layerCase, UINT } from "./random-layer.js";
import { expectedBeats, inputBeats, pack } from "./reference.js";
import { rng } from "./stream-driver.js";
import { checkInVerilator } from "./verilator-run.js";

const STALLS: Array<[number, number]> = [
  [0.5, 1],
  [1, 0.3],
  [0.6, 0.5],
];

/** Full rate: V vectors end latency + V·NF·SF − SF cycles after the first input beat. */
function expectFullRate(p: MvauParams, vectors: number, inputCycles: number[], outputCycles: number[]): void {
  const s = mvauShape(p);
  expect(outputCycles[0]! - inputCycles[0]!).toBe(s.latency);
  expect(outputCycles.at(-1)! - inputCycles[0]!).toBe(s.latency + vectors * s.cyclesPerVector - s.sf);
}

/** Runs `vectors` through the design under `stalls`: golden output beats, then exact full-rate timing. */
async function expectGoldenAtFullRate(
  params: MvauParams,
  vectors: bigint[][],
  stalls: Array<[number, number]>,
  seed: number,
  design = elaborate(Mvau, params),
): Promise<void> {
  const shape = mvauShape(params);
  const expected = vectors.flatMap((v) => expectedBeats(params, v, shape.outType));
  const { fullRate } = await checkInVerilator(design, inputBeats(params, vectors), expected, stalls, seed);
  expectFullRate(params, vectors.length, fullRate.inputCycles.in!, fullRate.outputCycles.out!);
}

/** Seeded random 32-bit integers, and rows of INT8 values drawn from them. */
function randomSource(seed: number) {
  const random = rng(seed);
  const next = () => Math.floor(random() * 2 ** 32);
  const int8Rows = (rows: number, cols: number) =>
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => BigInt((next() % 256) - 128)));
  return { next, int8Rows };
}

describe("MVAU in Verilator", () => {
  it("emits lint-clean Verilog for random layers", async () => {
    await fc.assert(
      fc.asyncProperty(layerCase({ maxMw: 40, maxMh: 12, maxVectors: 1 }), async ({ params }) => {
        await lintVerilog(emitVerilog(elaborate(Mvau, params)));
      }),
      { numRuns: 20 },
    );
  });

  it("matches the golden model for random layers, stalls and backpressure", async () => {
    await fc.assert(
      fc.asyncProperty(
        layerCase({ maxMw: 32, maxMh: 8, maxVectors: 6 }),
        fc.integer({ min: 1, max: 1 << 28 }),
        async ({ params, vectors }, seed) => expectGoldenAtFullRate(params, vectors, STALLS, seed),
      ),
      { numRuns: 6 },
    );
  });

  it("keeps full rate for a mid-size 8-bit layer (MW=64, MH=32, SIMD=8, PE=4, thresholds)", async () => {
    const mw = 64;
    const mh = 32;
    const { next, int8Rows } = randomSource(12345);
    const weights = int8Rows(mh, mw);
    const thresholds = Array.from({ length: mh }, () =>
      Array.from({ length: 15 }, () => BigInt((next() % 200001) - 100000)).sort((a, b) => (a < b ? -1 : 1)),
    );
    const params: MvauParams = {
      mw,
      mh,
      simd: 8,
      pe: 4,
      inputType: INT(8),
      weightType: INT(8),
      weights,
      activation: { kind: "thresholds", thresholds, outputType: INT(4), outBias: -8 },
    };
    const vectors = int8Rows(10, mw);
    await expectGoldenAtFullRate(params, vectors, STALLS, 99);
  });

  it("binary-search thresholds (up to 255) match for random layers, stalls and backpressure", async () => {
    await fc.assert(
      fc.asyncProperty(
        layerCase({
          maxMw: 24,
          maxMh: 8,
          maxVectors: 4,
          maxThresholds: 255,
          search: "binary",
          thresholdsOnly: true,
        }),
        fc.integer({ min: 1, max: 1 << 28 }),
        async ({ params, vectors }, seed) => {
          expect(mvauShape(params).search).toBe("binary");
          await expectGoldenAtFullRate(params, vectors, STALLS.slice(1), seed);
        },
      ),
      { numRuns: 3 },
    );
  });

  it("searches 255 thresholds to UINT8 (8 stages, deepest table in block RAM) at full rate", async () => {
    const mw = 32;
    const mh = 16;
    const { next, int8Rows } = randomSource(4242);
    const weights = int8Rows(mh, mw);
    // Spread over the accumulator's likely values, with duplicates and values past both ends.
    const thresholds = Array.from({ length: mh }, () =>
      Array.from({ length: 255 }, (_, i) =>
        i % 50 === 0 ? BigInt(i < 128 ? -(2 ** 20) : 2 ** 20) : BigInt((next() % 40001) - 20000),
      ).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    const params: MvauParams = {
      mw,
      mh,
      simd: 8,
      pe: 4,
      inputType: INT(8),
      weightType: INT(8),
      weights,
      activation: { kind: "thresholds", thresholds, outputType: UINT(8) },
    };
    const shape = mvauShape(params);
    expect(shape.search).toBe("binary");
    const design = elaborate(Mvau, params);
    // NF = 4: stage 7's table is 4·128 words of the comparator width, ≥ 8 Kbit: block RAM.
    const styles = design.top.memories
      .filter((m) => m.name.startsWith("search_0_t"))
      .map((m) => `${m.depth}:${m.style}`);
    expect(styles).toEqual([
      "4:distributed",
      "8:distributed",
      "16:distributed",
      "32:distributed",
      "64:distributed",
      "128:distributed",
      "256:distributed",
      "512:block",
    ]);
    const vectors = int8Rows(8, mw);
    await expectGoldenAtFullRate(params, vectors, STALLS, 17, design);
  });

  it("computes XNOR layers as the ±1 dot product says (BIPOLAR in, weights and out)", async () => {
    // sign(Σ x·w) ≥ 0 as a BIPOLAR output, computed here from ±1 values only; the layer gets
    // the popcount-form threshold ceil(MW / 2) (sum ≥ 0 ⇔ 2·pop − MW ≥ 0).
    const mw = 48;
    const mh = 12;
    const random = rng(777);
    const pm = () => (random() < 0.5 ? 1n : -1n);
    const weights = Array.from({ length: mh }, () => Array.from({ length: mw }, pm));
    const vectors = Array.from({ length: 6 }, () => Array.from({ length: mw }, pm));
    const params: MvauParams = {
      mw,
      mh,
      simd: 16,
      pe: 3,
      inputType: BIPOLAR,
      weightType: BIPOLAR,
      weights,
      activation: { kind: "thresholds", thresholds: [[BigInt(Math.ceil(mw / 2))]], outputType: BIPOLAR },
    };
    const expected = vectors.flatMap((x) => {
      const y = weights.map((row) => (row.reduce((a, w, i) => a + w * x[i]!, 0n) >= 0n ? 1n : -1n));
      return Array.from({ length: mh / 3 }, (_, f) => pack(y.slice(f * 3, f * 3 + 3), BIPOLAR));
    });
    const { fullRate } = await checkInVerilator(
      elaborate(Mvau, params),
      inputBeats(params, vectors),
      expected,
      STALLS,
      5,
    );
    expectFullRate(params, vectors.length, fullRate.inputCycles.in!, fullRate.outputCycles.out!);
    // Raw popcount out: 2·pop − MW is the ±1 dot product.
    const raw: MvauParams = { ...params, activation: { kind: "none" } };
    const rawShape = mvauShape(raw);
    const rawExpected = vectors.flatMap((x) => {
      const pop = weights.map((row) => (row.reduce((a, w, i) => a + w * x[i]!, 0n) + BigInt(mw)) / 2n);
      return Array.from({ length: mh / 3 }, (_, f) => pack(pop.slice(f * 3, f * 3 + 3), rawShape.outType));
    });
    await checkInVerilator(elaborate(Mvau, raw), inputBeats(raw, vectors), rawExpected, [], 6);
  });

  it("handles UINT × UINT and a bias without activation", async () => {
    const params: MvauParams = {
      mw: 12,
      mh: 6,
      simd: 4,
      pe: 2,
      inputType: UINT(3),
      weightType: UINT(3),
      weights: Array.from({ length: 6 }, (_, r) => Array.from({ length: 12 }, (_, i) => (r * 5 + i) % 8)),
      activation: { kind: "none", bias: [-100, 3, 0, 7, -1, 50] },
    };
    const vectors = Array.from({ length: 5 }, (_, v) =>
      Array.from({ length: 12 }, (_, i) => BigInt((v * 3 + i * 5) % 8)),
    );
    const shape = mvauShape(params);
    const expected = vectors.flatMap((v) => expectedBeats(params, v, shape.outType));
    await checkInVerilator(
      elaborate(Mvau, params),
      inputBeats(params, vectors),
      expected,
      STALLS.slice(2),
      3,
    );
  });
});
