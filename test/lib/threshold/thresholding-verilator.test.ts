// The thresholding unit in Verilator: random channel counts, PE, datatypes and thresholds, at
// full rate (one beat per cycle, fixed latency) and under bubbles and backpressure.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { elaborate } from "../../../src/dsl/index.js";
import { Thresholding, thresholdingShape } from "../../../src/lib/threshold/index.js";
import { checkInVerilator } from "../mvau/verilator-run.js";
import { beats, thresholdCase } from "./random-thresholds.js";

describe("thresholding unit in Verilator", () => {
  it("matches multiThreshold bit for bit, one beat per cycle at full rate", async () => {
    await fc.assert(
      fc.asyncProperty(
        thresholdCase(),
        fc.integer({ min: 1, max: 1 << 28 }),
        async ({ params, pixels }, seed) => {
          const shape = thresholdingShape(params);
          const { inputs, expected } = beats(params, pixels);
          const { fullRate } = await checkInVerilator(
            elaborate(Thresholding, params),
            inputs,
            expected,
            [[0.5, 0.4]],
            seed,
          );
          const inCycles = fullRate.inputCycles.in!;
          const outCycles = fullRate.outputCycles.out!;
          expect(outCycles[0]! - inCycles[0]!).toBe(shape.latency);
          expect(outCycles.at(-1)! - outCycles[0]!).toBe(expected.length - 1);
        },
      ),
      { numRuns: 3 },
    );
  });
});
