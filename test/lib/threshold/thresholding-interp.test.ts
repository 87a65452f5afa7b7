// The standalone thresholding unit against the golden multiThreshold, in the interpreter.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { elaborate } from "../../../src/dsl/index.js";
import { Thresholding, thresholdingShape } from "../../../src/lib/threshold/index.js";
import { searchStages } from "../../../src/lib/threshold/search.js";
import { unpack } from "../mvau/reference.js";
import { driveStreams } from "../mvau/stream-driver.js";
import { beats, type ThresholdCase, thresholdCase } from "./random-thresholds.js";

/** Full rate and the bubble/backpressure patterns below, against multiThreshold. */
function check(
  { params, pixels }: ThresholdCase,
  pv: number,
  pr: number,
  seed: number,
): ReturnType<typeof thresholdingShape> {
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
  return shape;
}

describe("thresholding unit in the interpreter", () => {
  it("matches multiThreshold (≥, out bias, BIPOLAR out) under bubbles and backpressure", () => {
    fc.assert(
      fc.property(
        thresholdCase(),
        fc.constantFrom(1, 0.5),
        fc.constantFrom(1, 0.4),
        fc.integer({ min: 1, max: 1 << 30 }),
        (c, pv, pr, seed) => {
          check(c, pv, pr, seed);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("binary search: 1 to 255 thresholds, B stages, LUT or block RAM tables", () => {
    fc.assert(
      fc.property(
        thresholdCase({ maxCount: 255, search: "binary", maxChannels: 16 }),
        fc.constantFrom(1, 0.6, 0.3),
        fc.constantFrom(1, 0.5, 0.2),
        fc.integer({ min: 1, max: 1 << 30 }),
        (c, pv, pr, seed) => {
          const shape = check(c, pv, pr, seed);
          expect(shape.search).toBe("binary");
          // B stages, after an input register only for block-RAM tables at stage 0 (per-channel
          // rows in several folds; `auto` picks block RAM only from 64 folds).
          const { thresholdMemory, thresholds, channels, pe } = c.params;
          const blockAtStage0 = thresholdMemory === "block" && thresholds.length > 1 && channels / pe > 1;
          expect(shape.pipelineDepth).toBe(searchStages(thresholds[0]!.length) + (blockAtStage0 ? 1 : 0));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("auto picks parallel for up to 2 thresholds, binary for memories from 3 and constants from 8", () => {
    const shape = (n: number, rows: number, pe = 1) =>
      thresholdingShape({
        channels: 4,
        pe,
        inputType: { kind: "UINT", bits: 8 },
        outputType: { kind: "UINT", bits: 8 },
        thresholds: Array.from({ length: rows }, () => Array.from({ length: n }, (_, i) => i)),
      });
    expect([1, 2, 3, 4, 255].map((n) => shape(n, 4).search)).toEqual([
      "parallel",
      "parallel",
      "binary",
      "binary",
      "binary",
    ]);
    // Global rows and a single fold are constants.
    expect([3, 7, 8, 255].map((n) => shape(n, 1).search)).toEqual([
      "parallel",
      "parallel",
      "binary",
      "binary",
    ]);
    expect([3, 7, 8].map((n) => shape(n, 4, 4).search)).toEqual(["parallel", "parallel", "binary"]);
    // binary: B stages and the queue's slot; parallel: input and comparison registers, slot.
    expect(shape(255, 4).latency).toBe(8 + 1);
    expect(shape(3, 1).latency).toBe(3);
  });
});
