// The standalone thresholding unit against the golden multiThreshold, in the interpreter.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { elaborate } from "../../../src/dsl/index.js";
import { Thresholding, thresholdingShape } from "../../../src/lib/threshold/index.js";
import { unpack } from "../mvau/reference.js";
import { driveStreams } from "../mvau/stream-driver.js";
import { beats, thresholdCase } from "./random-thresholds.js";

describe("thresholding unit in the interpreter", () => {
  it("matches multiThreshold (≥, out bias, BIPOLAR out) under bubbles and backpressure", () => {
    fc.assert(
      fc.property(
        thresholdCase(),
        fc.constantFrom(1, 0.5),
        fc.constantFrom(1, 0.4),
        fc.integer({ min: 1, max: 1 << 30 }),
        ({ params, pixels }, pv, pr, seed) => {
          const shape = thresholdingShape(params);
          const { inputs, expected } = beats(params, pixels);
          const run = driveStreams(elaborate(Thresholding, params), inputs, expected.length, {
            validProbability: pv,
            readyProbability: pr,
            seed,
          });
          expect(run.violations).toEqual([]);
          expect(run.outputs.map((w) => unpack(w, params.pe, shape.outType.bits))).toEqual(
            expected.map((w) => unpack(w, params.pe, shape.outType.bits)),
          );
          if (pv === 1 && pr === 1) {
            expect(run.outputCycles[0]! - run.inputCycles[0]!).toBe(shape.latency);
            expect(run.outputCycles.at(-1)! - run.outputCycles[0]!).toBe(expected.length - 1);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
