// The thresholding unit in Verilator: random channel counts, PE, datatypes and thresholds, at
// full rate (one beat per cycle, fixed latency) and under bubbles and backpressure.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lintVerilog } from "../../../sim/index.js";
import { elaborate } from "../../../src/dsl/index.js";
import { Thresholding, thresholdingShape } from "../../../src/lib/threshold/index.js";
import { emitVerilog } from "../../../src/rtl/emit.js";
import { checkInVerilator } from "../mvau/verilator-run.js";
import { beats, thresholdCase } from "./random-thresholds.js";

describe("thresholding unit in Verilator", () => {
  it("emits lint-clean Verilog (both searches, up to 255 thresholds, LUT or block RAM tables)", async () => {
    await fc.assert(
      fc.asyncProperty(
        thresholdCase({ maxCount: 255, maxChannels: 16, maxPixels: 1 }),
        async ({ params }) => {
          await lintVerilog(emitVerilog(elaborate(Thresholding, params)));
        },
      ),
      { numRuns: 15 },
    );
  });

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

  it("binary search (up to 255 thresholds) matches under bubbles and backpressure", async () => {
    await fc.assert(
      fc.asyncProperty(
        thresholdCase({ maxCount: 255, search: "binary", maxChannels: 16 }),
        fc.integer({ min: 1, max: 1 << 28 }),
        async ({ params, pixels }, seed) => {
          const shape = thresholdingShape(params);
          expect(shape.search).toBe("binary");
          const { inputs, expected } = beats(params, pixels);
          const { fullRate } = await checkInVerilator(
            elaborate(Thresholding, params),
            inputs,
            expected,
            [
              [0.6, 0.3],
              [1, 0.15],
            ],
            seed,
          );
          expect(fullRate.outputCycles.out![0]! - fullRate.inputCycles.in![0]!).toBe(shape.latency);
        },
      ),
      { numRuns: 3 },
    );
  });
});
