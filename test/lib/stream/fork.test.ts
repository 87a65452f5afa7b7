import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildVerilator, lintVerilog } from "../../../sim/index.js";
import { elaborate, UInt } from "../../../src/dsl/index.js";
import { StreamFork } from "../../../src/lib/stream/index.js";
import { emitVerilog } from "../../../src/rtl/emit.js";
import { interpStreams } from "./interp-streams.js";

const spec = (beats: bigint[], n: number, pIn: number, pOut: number[], seed: number) => ({
  inputs: [{ prefix: "in", beats, validPattern: { probability: pIn, seed } }],
  outputs: Array.from({ length: n }, (_, i) => ({
    prefix: `out_${i}`,
    count: beats.length,
    readyPattern: { probability: pOut[i]!, seed: seed + 1 + i },
  })),
});

const probs = (n: number) =>
  fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: n, maxLength: n });

describe("StreamFork", () => {
  it("gives every consumer every beat, each at its own pace (pending flags, interpreter)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.bigInt({ min: 0n, max: 255n }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        probs(4),
        fc.integer({ min: 0, max: 1e6 }),
        (n, beats, pIn, pOut, seed) => {
          const r = interpStreams(
            elaborate(StreamFork, { type: UInt(8), outputs: n }),
            spec(beats, n, pIn, pOut, seed),
          );
          for (let i = 0; i < n; i++) expect(r.outputs[`out_${i}`]).toEqual(beats);
          expect(r.violations).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("sync mode moves a beat only when all consumers are ready", () => {
    const design = elaborate(StreamFork, { type: UInt(8), mode: "sync" });
    const beats = [5n, 6n, 7n, 8n, 9n];
    const r = interpStreams(design, spec(beats, 2, 1, [0.5, 0.5], 11));
    expect(r.outputs.out_0).toEqual(beats);
    expect(r.outputs.out_1).toEqual(beats);
    expect(r.outputCycles.out_0).toEqual(r.outputCycles.out_1);
  });

  it("in Verilator: random streams to two consumers, full rate when both are ready", async () => {
    const emitted = emitVerilog(elaborate(StreamFork, { type: UInt(16) }));
    await lintVerilog(emitted);
    const model = await buildVerilator(emitted);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.bigInt({ min: 0n, max: 65535n }), { minLength: 1, maxLength: 150 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        probs(2),
        fc.integer({ min: 0, max: 1e6 }),
        async (beats, pIn, pOut, seed) => {
          const r = await model.runStreams(spec(beats, 2, pIn, pOut, seed));
          expect(r.outputs.out_0).toEqual(beats);
          expect(r.outputs.out_1).toEqual(beats);
          expect(r.violations).toEqual([]);
        },
      ),
      { numRuns: 12 },
    );
    const beats = Array.from({ length: 100 }, (_, i) => BigInt(i));
    const r = await model.runStreams(spec(beats, 2, 1, [1, 1], 1));
    expect(r.cycles).toBe(100);
  });
});
