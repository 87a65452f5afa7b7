// Stream mode: random valid/ready patterns must deliver exactly the input sequence, and
// Verilator and Icarus must agree on every transfer cycle.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildIcarus,
  buildVerilator,
  type CycleVector,
  type StreamSpec,
  type VerilatorModel,
} from "../../sim/index.js";
import { stageDesign } from "./designs.js";

const beatsOf = (width: number) =>
  fc.array(fc.bigInt({ min: 0n, max: (1n << BigInt(width)) - 1n }), { maxLength: 40 });
const pattern = fc.record({ probability: fc.double({ min: 0.1, max: 1, noNaN: true }), seed: fc.integer() });

function spec(
  beats: bigint[],
  valid: { probability: number; seed: number },
  ready: { probability: number; seed: number },
): StreamSpec {
  return {
    inputs: [{ prefix: "in", beats, validPattern: valid }],
    outputs: [{ prefix: "out", count: beats.length, readyPattern: ready }],
    watch: ["occupancy"],
  };
}

describe("stream mode on a pipeline stage", () => {
  let stage8: VerilatorModel;
  beforeAll(async () => {
    stage8 = await buildVerilator(stageDesign(8));
  });

  it("delivers exactly the input sequence under random valid/ready patterns", async () => {
    await fc.assert(
      fc.asyncProperty(beatsOf(8), pattern, pattern, async (beats, valid, ready) => {
        const r = await stage8.runStreams(spec(beats, valid, ready));
        expect(r.outputs.out).toEqual(beats);
        expect(r.violations).toEqual([]);
        expect(r.inputCycles.in).toHaveLength(beats.length);
        // A beat leaves at least one cycle after it entered the register.
        for (const [k, c] of r.outputCycles.out!.entries()) expect(c).toBeGreaterThan(r.inputCycles.in![k]!);
        expect(r.cycles).toBe(beats.length === 0 ? 0 : r.outputCycles.out!.at(-1)! + 1);
      }),
      { numRuns: 25 },
    );
  });

  // 40 bits exercises the 64-bit integer path and 100 bits the VlWide path of the C++ testbench.
  for (const width of [8, 40, 100]) {
    it(`agrees with Icarus at ${width} bits`, async () => {
      const design = stageDesign(width);
      const [v, i] = await Promise.all([buildVerilator(design), buildIcarus(design)]);
      const beats = Array.from(
        { length: 30 },
        (_, k) => ((1n << BigInt(width)) - 1n - BigInt(k) * 977n) & ((1n << BigInt(width)) - 1n),
      );
      const s = spec(beats, { probability: 0.6, seed: 7 }, { probability: 0.4, seed: 11 });
      const [rv, ri] = await Promise.all([v.runStreams(s), i.runStreams(s)]);
      expect(ri).toEqual(rv);
      expect(rv.outputs.out).toEqual(beats);
      expect(rv.watchMax).toEqual({ occupancy: 1n });

      // Cycle mode too, from the first cycle after reset (before it Icarus state is X).
      const vectors: CycleVector[] = [
        { ap_rst_n: 0n },
        { ap_rst_n: 1n, in_valid: 1n, in_data: beats[0]!, out_ready: 0n },
        { in_data: beats[1]! },
        { out_ready: 1n },
        { in_valid: 0n },
        {},
      ];
      const [cv, ci] = await Promise.all([v.runCycles(vectors), i.runCycles(vectors)]);
      expect(ci.slice(1)).toEqual(cv.slice(1));
      expect(cv.map((o) => o.out_data)).toEqual([0n, 0n, beats[0], beats[0], beats[1], beats[1]]);
    });
  }

  it("repeats explicit patterns cyclically", async () => {
    const r = await stage8.runStreams({
      inputs: [{ prefix: "in", beats: [1n, 2n, 3n], validPattern: [true, false, false] }],
      outputs: [{ prefix: "out", count: 3 }],
    });
    expect(r.inputCycles.in).toEqual([0, 3, 6]);
    expect(r.outputCycles.out).toEqual([1, 4, 7]);
    expect(r.cycles).toBe(8);
  });

  it("fails clearly on a maxCycles timeout, reporting what arrived", async () => {
    await expect(
      stage8.runStreams({
        inputs: [{ prefix: "in", beats: [1n, 2n] }],
        outputs: [{ prefix: "out", count: 3 }],
        maxCycles: 50,
      }),
    ).rejects.toThrow(/timed out after maxCycles=50 cycles: out received 2\/3 beats, in sent 2\/2 beats/);
  });
});
