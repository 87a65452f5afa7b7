import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildIcarus, buildVerilator, lintVerilog } from "../../../sim/index.js";
import type { StreamSpec } from "../../../sim/types.js";
import { ElaborationError, elaborate, SInt, UInt, Vec } from "../../../src/dsl/index.js";
import { Simulator } from "../../../src/interp/simulator.js";
import {
  type FifoStyle,
  fifoLatency,
  resolveFifoStyle,
  StreamFifo,
  type StreamFifoParams,
} from "../../../src/lib/stream/index.js";
import { emitVerilog } from "../../../src/rtl/emit.js";
import { interpStreams } from "./interp-streams.js";

const STYLES = ["registers", "lutram", "bram"] as const;

function randomSpec(beats: bigint[], pIn: number, pOut: number, seed: number): StreamSpec {
  return {
    inputs: [{ prefix: "in", beats, validPattern: { probability: pIn, seed } }],
    outputs: [{ prefix: "out", count: beats.length, readyPattern: { probability: pOut, seed: seed + 1 } }],
    watch: ["count"],
  };
}

/** Beats of `width` bits from fast-check, as bigints. */
const beatsArb = (width: number, max = 60) =>
  fc.array(fc.bigInt({ min: 0n, max: (1n << BigInt(width)) - 1n }), { minLength: 1, maxLength: max });

/** Drives `in_valid` high and `out_ready` low for `cycles` cycles and counts accepted beats. */
function fillInterp(params: StreamFifoParams, cycles: number): { accepted: number; count: bigint } {
  const sim = new Simulator(elaborate(StreamFifo, params));
  sim.poke("ap_rst_n", 0);
  sim.poke("in_valid", 0);
  sim.poke("out_ready", 0);
  sim.step();
  sim.poke("ap_rst_n", 1);
  let accepted = 0;
  for (let t = 0; t < cycles; t++) {
    sim.poke("in_valid", 1);
    sim.poke("in_data", t & 0xff);
    if (sim.peek("in_ready") === 1n) accepted++;
    sim.step();
  }
  return { accepted, count: sim.peek("count") };
}

describe("StreamFifo elaboration", () => {
  it("names the module from its parameters", () => {
    const d = elaborate(StreamFifo, { type: UInt(8), depth: 16, style: "bram" });
    expect(emitVerilog(d).topName).toBe("StreamFifo_d16_w8_bram");
  });

  it("rejects bad parameters with a sentence", () => {
    expect(() => elaborate(StreamFifo, { type: UInt(8), depth: 0 })).toThrow(ElaborationError);
    expect(() => elaborate(StreamFifo, { type: UInt(8), depth: 2.5 })).toThrow(
      /depth must be an integer ≥ 1/,
    );
    expect(() => elaborate(StreamFifo, { type: UInt(8), depth: 4, style: "srl" as FifoStyle })).toThrow(
      /style must be one of/,
    );
  });

  it("auto picks registers, LUT RAM or block RAM by depth × width", () => {
    expect(resolveFifoStyle(2, 64)).toBe("registers");
    expect(resolveFifoStyle(32, 8)).toBe("lutram");
    expect(resolveFifoStyle(1024, 1)).toBe("lutram");
    expect(resolveFifoStyle(1024, 32)).toBe("bram");
    expect(resolveFifoStyle(128, 32)).toBe("bram");
    expect(resolveFifoStyle(32, 512)).toBe("lutram");
    expect(resolveFifoStyle(8, 8, "bram")).toBe("bram");
  });
});

describe("StreamFifo on the interpreter", () => {
  it("passes every beat in order under random valid and ready, for random depths, widths and styles", () => {
    fc.assert(
      fc.property(
        fc.record({
          depth: fc.integer({ min: 1, max: 40 }),
          width: fc.integer({ min: 1, max: 40 }),
          style: fc.constantFrom<FifoStyle>("auto", ...STYLES),
          pipe: fc.boolean(),
          flow: fc.boolean(),
          pIn: fc.double({ min: 0.05, max: 1, noNaN: true }),
          pOut: fc.double({ min: 0.05, max: 1, noNaN: true }),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        fc.array(fc.bigInt({ min: 0n, max: (1n << 40n) - 1n }), { minLength: 1, maxLength: 80 }),
        (c, raw) => {
          const beats = raw.map((b) => BigInt.asUintN(c.width, b));
          const design = elaborate(StreamFifo, {
            type: UInt(c.width),
            depth: c.depth,
            style: c.style,
            pipe: c.pipe,
            flow: c.flow,
          });
          const r = interpStreams(design, randomSpec(beats, c.pIn, c.pOut, c.seed));
          expect(r.outputs.out).toEqual(beats);
          expect(r.violations).toEqual([]);
          expect(r.watchMax.count! <= BigInt(c.depth)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("holds exactly depth beats: accepts the depth-th and no more", () => {
    for (const style of STYLES) {
      for (const depth of [1, 2, 3, 5, 8, 13]) {
        for (const pipe of [true, false]) {
          const r = fillInterp({ type: UInt(8), depth, style, pipe }, 3 * depth + 8);
          expect({ style, depth, pipe, ...r }).toEqual({
            style,
            depth,
            pipe,
            accepted: depth,
            count: BigInt(depth),
          });
        }
      }
    }
  });

  it("carries aggregate payloads and last", () => {
    const type = Vec(3, SInt(4));
    const design = elaborate(StreamFifo, { type, depth: 4, last: true, style: "lutram" });
    const sim = new Simulator(design);
    sim.poke("ap_rst_n", 0);
    sim.step();
    sim.poke("ap_rst_n", 1);
    sim.poke("in_valid", 1);
    sim.poke("in_data_0", 0xf);
    sim.poke("in_data_1", 0x1);
    sim.poke("in_data_2", 0x8);
    sim.poke("in_last", 1);
    sim.step();
    sim.poke("in_valid", 0);
    sim.step();
    expect([
      sim.peek("out_valid"),
      sim.peek("out_data_0"),
      sim.peek("out_data_1"),
      sim.peek("out_data_2"),
      sim.peek("out_last"),
    ]).toEqual([1n, 0xfn, 0x1n, 0x8n, 1n]);
  });
});

/** Designs built with Verilator: every style, odd and even depths, a few widths. */
const VERILATOR_CASES: StreamFifoParams[] = [
  { type: UInt(8), depth: 1, style: "registers" },
  { type: UInt(5), depth: 3, style: "registers" },
  { type: UInt(13), depth: 7, style: "lutram" },
  { type: UInt(32), depth: 16, style: "lutram", pipe: false },
  { type: UInt(9), depth: 13, style: "bram" },
  { type: UInt(64), depth: 4, style: "bram", flow: true },
];

describe("StreamFifo in Verilator", () => {
  for (const params of VERILATOR_CASES) {
    const width = (params.type as { width: number }).width;
    const style = resolveFifoStyle(params.depth, width, params.style);
    it(`${style} depth ${params.depth} width ${width}${params.pipe === false ? " nopipe" : ""}${params.flow ? " flow" : ""}`, async () => {
      const emitted = emitVerilog(elaborate(StreamFifo, params));
      await lintVerilog(emitted);
      const model = await buildVerilator(emitted);

      // Many random sequences and valid/ready patterns through one build.
      await fc.assert(
        fc.asyncProperty(
          beatsArb(width, 120),
          fc.double({ min: 0.05, max: 1, noNaN: true }),
          fc.double({ min: 0.05, max: 1, noNaN: true }),
          fc.integer({ min: 0, max: 1e6 }),
          async (beats, pIn, pOut, seed) => {
            const r = await model.runStreams(randomSpec(beats, pIn, pOut, seed));
            expect(r.outputs.out).toEqual(beats);
            expect(r.violations).toEqual([]);
            expect(r.watchMax.count! <= BigInt(params.depth)).toBe(true);
          },
        ),
        { numRuns: 12 },
      );

      // Throughput: both sides always ready, N beats take N + latency cycles.
      const n = 200;
      const beats = Array.from({ length: n }, (_, i) => BigInt(i % 2 ** Math.min(width, 30)));
      const r = await model.runStreams({
        inputs: [{ prefix: "in", beats }],
        outputs: [{ prefix: "out", count: n }],
      });
      expect(r.outputs.out).toEqual(beats);
      expect(r.cycles).toBe(n + fifoLatency(style, params.flow));

      // Capacity: with the consumer stalled, exactly depth beats go in.
      const cycles = 3 * params.depth + 6;
      const out = await model.runCycles([
        { ap_rst_n: 0n, in_valid: 0n, out_ready: 0n, in_data: 0n },
        ...Array.from({ length: cycles }, () => ({ ap_rst_n: 1n, in_valid: 1n, out_ready: 0n })),
      ]);
      const accepted = out.slice(1).filter((o) => o.in_ready === 1n).length;
      expect(accepted).toBe(params.depth);
      expect(out[out.length - 1]!.count).toBe(BigInt(params.depth));
    });
  }
});

describe("StreamFifo in Icarus", () => {
  it("drives no X or Z on any output after reset (bram and lutram)", async () => {
    for (const params of [
      { type: UInt(8), depth: 5, style: "bram" as const },
      { type: UInt(8), depth: 5, style: "lutram" as const },
      { type: UInt(8), depth: 3, style: "registers" as const },
    ]) {
      const model = await buildIcarus(emitVerilog(elaborate(StreamFifo, params)));
      const beats = Array.from({ length: 20 }, (_, i) => BigInt((i * 37) & 0xff));
      const r = await model.runStreams(randomSpec(beats, 0.6, 0.5, 7));
      expect(r.outputs.out).toEqual(beats);
      expect(r.violations).toEqual([]);
    }
  });
});
