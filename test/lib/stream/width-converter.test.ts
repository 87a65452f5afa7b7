import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildVerilator, lintVerilog } from "../../../sim/index.js";
import { ElaborationError, elaborate } from "../../../src/dsl/index.js";
import { Simulator } from "../../../src/interp/simulator.js";
import { converterWordWidth, StreamWidthConverter } from "../../../src/lib/stream/index.js";
import { emitVerilog } from "../../../src/rtl/emit.js";
import { interpStreams } from "./interp-streams.js";

/** Concatenates beats LSB-first: beat 0 in the least significant bits. */
function packStream(beats: bigint[], width: number): bigint {
  return beats.reduce((acc, b, i) => acc | (b << BigInt(i * width)), 0n);
}

/** A random bit stream of whole words, cut into `inWidth` beats. */
function inputBeats(bits: bigint, totalBits: number, inWidth: number): bigint[] {
  return Array.from({ length: totalBits / inWidth }, (_, i) =>
    BigInt.asUintN(inWidth, bits >> BigInt(i * inWidth)),
  );
}

function check(
  run: (beats: bigint[], outCount: number) => { out: bigint[]; violations: string[] },
  i: number,
  o: number,
  words: number,
  bits: bigint,
) {
  const total = converterWordWidth(i, o) * words;
  const beats = inputBeats(BigInt.asUintN(total, bits), total, i);
  const r = run(beats, total / o);
  expect(r.violations).toEqual([]);
  expect(r.out.length).toBe(total / o);
  expect(packStream(r.out, o)).toBe(packStream(beats, i));
}

const spec = (beats: bigint[], count: number, pIn: number, pOut: number, seed: number) => ({
  inputs: [{ prefix: "in", beats, validPattern: { probability: pIn, seed } }],
  outputs: [{ prefix: "out", count, readyPattern: { probability: pOut, seed: seed + 1 } }],
});

/** Runs a converter in the interpreter with random valid/ready patterns. */
function interpRun(design: ReturnType<typeof elaborate>, pIn: number, pOut: number, seed: number) {
  return (beats: bigint[], count: number) => {
    const r = interpStreams(design, spec(beats, count, pIn, pOut, seed));
    return { out: r.outputs.out!, violations: r.violations };
  };
}

const bitsArb = fc.bigInt({ min: 0n, max: (1n << 2048n) - 1n });

describe("StreamWidthConverter", () => {
  it("rejects widths that are not positive integers", () => {
    expect(() => elaborate(StreamWidthConverter, { inWidth: 0, outWidth: 8 })).toThrow(ElaborationError);
    expect(() => elaborate(StreamWidthConverter, { inWidth: 8, outWidth: 1.5 })).toThrow(
      /outWidth must be an integer/,
    );
  });

  it("keeps the bit stream for random widths, including non-integer ratios (interpreter)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 6 }),
        bitsArb,
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1e6 }),
        (i, o, words, bits, pIn, pOut, seed) => {
          const design = elaborate(StreamWidthConverter, { inWidth: i, outWidth: o });
          check(interpRun(design, pIn, pOut, seed), i, o, words, bits);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("unregistered (gather-only) keeps the bit stream and passes the last beat through (interpreter)", () => {
    expect(() => elaborate(StreamWidthConverter, { inWidth: 8, outWidth: 12, registered: false })).toThrow(
      /needs its output register/,
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        bitsArb,
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1e6 }),
        (i, k, words, bits, pIn, pOut, seed) => {
          const design = elaborate(StreamWidthConverter, { inWidth: i, outWidth: i * k, registered: false });
          check(interpRun(design, pIn, pOut, seed), i, i * k, words, bits);
        },
      ),
      { numRuns: 150 },
    );
    // Always ready: the output leaves in the cycle its last input beat arrives.
    const design = elaborate(StreamWidthConverter, { inWidth: 8, outWidth: 32, registered: false });
    const beats = inputBeats((1n << 640n) / 7n, 640, 8);
    const r = interpStreams(design, {
      inputs: [{ prefix: "in", beats }],
      outputs: [{ prefix: "out", count: 20 }],
    });
    expect(packStream(r.outputs.out!, 32)).toBe(packStream(beats, 8));
    expect(r.cycles).toBe(80);
  });

  it("moves one beat per cycle on the narrow side when both sides are always ready", () => {
    for (const [i, o] of [
      [8, 32],
      [32, 8],
      [12, 8],
      [8, 12],
      [5, 3],
    ] as const) {
      const design = elaborate(StreamWidthConverter, { inWidth: i, outWidth: o });
      const words = 20;
      const l = converterWordWidth(i, o);
      const [k, m] = [l / i, l / o];
      const beats = inputBeats((1n << BigInt(l * words)) / 3n, l * words, i);
      const r = interpStreams(design, {
        inputs: [{ prefix: "in", beats }],
        outputs: [{ prefix: "out", count: (l * words) / o }],
      });
      expect(packStream(r.outputs.out!, o)).toBe(packStream(beats, i));
      // The first word takes k cycles to gather; then the slower side sets the pace with no bubble.
      expect(r.cycles).toBe(m >= k ? k + words * m : words * k + m);
    }
  });

  it("propagates last on the final output beat of a frame", () => {
    const design = elaborate(StreamWidthConverter, { inWidth: 12, outWidth: 8, last: true });
    const sim = new Simulator(design);
    sim.poke("ap_rst_n", 0);
    sim.step();
    sim.poke("ap_rst_n", 1);
    sim.poke("out_ready", 1);
    // Two frames of 2 × 12 bits = 3 × 8 bits each; last on the second input beat of each.
    const ins = [
      [0xabc, 0],
      [0x123, 1],
      [0x456, 0],
      [0x789, 1],
    ];
    const outs: Array<[bigint, bigint]> = [];
    let k = 0;
    for (let t = 0; t < 20; t++) {
      sim.poke("in_valid", k < ins.length ? 1 : 0);
      if (k < ins.length) {
        sim.poke("in_data", ins[k]![0]!);
        sim.poke("in_last", ins[k]![1]!);
      }
      if (sim.peek("out_valid") === 1n) outs.push([sim.peek("out_data"), sim.peek("out_last")]);
      if (k < ins.length && sim.peek("in_ready") === 1n) k++;
      sim.step();
    }
    expect(outs).toEqual([
      [0xbcn, 0n],
      [0x3an, 0n],
      [0x12n, 1n],
      [0x56n, 0n],
      [0x94n, 0n],
      [0x78n, 1n],
    ]);
  });

  // One Verilator build per width pair; many random streams through each.
  for (const [i, o, registered] of [
    [12, 8, true],
    [8, 12, true],
    [32, 8, true],
    [5, 7, true],
    [8, 32, false],
  ] as const) {
    it(`in Verilator: ${i} → ${o} bits${registered ? "" : " (unregistered)"} keeps the bit stream`, async () => {
      const emitted = emitVerilog(elaborate(StreamWidthConverter, { inWidth: i, outWidth: o, registered }));
      await lintVerilog(emitted);
      const model = await buildVerilator(emitted);
      const results: Array<{ out: bigint[]; violations: string[] }> = [];
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 12 }),
          bitsArb,
          fc.double({ min: 0.05, max: 1, noNaN: true }),
          fc.double({ min: 0.05, max: 1, noNaN: true }),
          fc.integer({ min: 0, max: 1e6 }),
          async (words, bits, pIn, pOut, seed) => {
            const total = converterWordWidth(i, o) * words;
            const beats = inputBeats(BigInt.asUintN(total, bits), total, i);
            const r = await model.runStreams(spec(beats, total / o, pIn, pOut, seed));
            results.push({ out: r.outputs.out!, violations: r.violations });
            expect(r.violations).toEqual([]);
            expect(packStream(r.outputs.out!, o)).toBe(packStream(beats, i));
          },
        ),
        { numRuns: 10 },
      );
      expect(results.length).toBeGreaterThan(0);
    });
  }
});
