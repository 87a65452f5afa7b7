// MVAU against the golden models in the interpreter: random layers, bubbles and backpressure.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { elaborate } from "../../../src/dsl/index.js";
import { Mvau, type MvauParams, mvauShape } from "../../../src/lib/mvau/index.js";
import { searchStages } from "../../../src/lib/threshold/search.js";
import { layerCase } from "./random-layer.js";
import { expectedBeats, inputBeats } from "./reference.js";
import { driveStreams } from "./stream-driver.js";

/** Drives the vectors through the MVAU with bubbles (pv) and backpressure (pr): golden beats, no protocol violation. */
function expectGolden(params: MvauParams, vectors: bigint[][], pv: number, pr: number, seed: number) {
  const shape = mvauShape(params);
  const expected = vectors.flatMap((v) => expectedBeats(params, v, shape.outType));
  const run = driveStreams(elaborate(Mvau, params), inputBeats(params, vectors), expected.length, {
    validProbability: pv,
    readyProbability: pr,
    seed,
  });
  expect(run.violations).toEqual([]);
  expect(run.outputs).toEqual(expected);
  return run;
}

describe("MVAU in the interpreter", () => {
  it("matches the golden model bit for bit, with random bubbles and backpressure", () => {
    fc.assert(
      fc.property(
        layerCase(),
        fc.constantFrom(1, 0.7, 0.3),
        fc.constantFrom(1, 0.6, 0.25),
        fc.integer({ min: 1, max: 1 << 30 }),
        ({ params, vectors }, pv, pr, seed) => {
          const shape = mvauShape(params);
          const run = expectGolden(params, vectors, pv, pr, seed);
          if (pv === 1 && pr === 1) {
            // Full rate: the last beat leaves exactly latency + V·NF·SF − SF cycles after the first input.
            const last = run.outputCycles[run.outputCycles.length - 1]!;
            expect(last - run.inputCycles[0]!).toBe(
              shape.latency + vectors.length * shape.cyclesPerVector - shape.sf,
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("clamps acc + bias at zero (a Relu with no quantizer): unsigned output, no added latency", () => {
    let clamped = 0;
    fc.assert(
      fc.property(
        layerCase({ clampOnly: true }),
        fc.constantFrom(1, 0.6),
        fc.constantFrom(1, 0.5),
        fc.integer({ min: 1, max: 1 << 30 }),
        ({ params, vectors }, pv, pr, seed) => {
          const shape = mvauShape(params);
          expect(shape.outType.kind === "INT").toBe(false);
          const unclamped = { ...params, activation: { kind: "none" as const, bias: undefined } };
          expect(shape.latency).toBe(mvauShape(unclamped).latency);
          const run = expectGolden(params, vectors, pv, pr, seed);
          if (pv === 1 && pr === 1) {
            const last = run.outputCycles[run.outputCycles.length - 1]!;
            expect(last - run.inputCycles[0]!).toBe(
              shape.latency + vectors.length * shape.cyclesPerVector - shape.sf,
            );
          }
          if (run.outputs.some((b) => b === 0n)) clamped++;
        },
      ),
      { numRuns: 120 },
    );
    // Some outputs were clamped (an all-zero beat needs PE channels at or below zero).
    expect(clamped).toBeGreaterThan(10);
  });

  it("binary-search thresholds: 1 to 255 per channel, exact latency, LUT or block RAM tables", () => {
    fc.assert(
      fc.property(
        layerCase({ maxThresholds: 255, search: "binary", thresholdsOnly: true, maxMh: 12 }),
        fc.constantFrom(1, 0.6, 0.3),
        fc.constantFrom(1, 0.5, 0.2),
        fc.integer({ min: 1, max: 1 << 30 }),
        ({ params, vectors }, pv, pr, seed) => {
          const shape = mvauShape(params);
          const act = params.activation as Extract<MvauParams["activation"], { kind: "thresholds" }>;
          expect(shape.search).toBe("binary");
          expect(shape.pipelineDepth).toBe(
            2 + shape.productStages + shape.treeStages + searchStages(act.thresholds[0]!.length),
          );
          const run = expectGolden(params, vectors, pv, pr, seed);
          if (pv === 1 && pr === 1) {
            expect(run.outputCycles[0]! - run.inputCycles[0]!).toBe(shape.latency);
            expect(run.outputCycles.at(-1)! - run.inputCycles[0]!).toBe(
              shape.latency + vectors.length * shape.cyclesPerVector - shape.sf,
            );
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it("runs XNOR layers (BIPOLAR × BIPOLAR) in popcount form", () => {
    fc.assert(
      fc.property(
        layerCase({ xnor: true, maxMw: 40 }),
        fc.integer({ min: 1, max: 1 << 30 }),
        ({ params, vectors }, seed) => {
          const shape = mvauShape(params);
          expect(shape.xnor).toBe(true);
          const expected = vectors.flatMap((v) => expectedBeats(params, v, shape.outType));
          const run = driveStreams(elaborate(Mvau, params), inputBeats(params, vectors), expected.length, {
            validProbability: 0.8,
            readyProbability: 0.8,
            seed,
          });
          expect(run.outputs).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });
});
