import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildVerilator, lintVerilog } from "../../../sim/index.js";
import { combinationalPaths } from "../../../src/dsl/checks.js";
import { elaborate, UInt } from "../../../src/dsl/index.js";
import { SKID_BUFFER_LATENCY, SkidBuffer } from "../../../src/lib/stream/index.js";
import { emitVerilog } from "../../../src/rtl/emit.js";
import { interpStreams } from "./interp-streams.js";

const spec = (beats: bigint[], pIn: number, pOut: number, seed: number) => ({
  inputs: [{ prefix: "in", beats, validPattern: { probability: pIn, seed } }],
  outputs: [{ prefix: "out", count: beats.length, readyPattern: { probability: pOut, seed: seed + 1 } }],
});

describe("SkidBuffer", () => {
  it("has no combinational path into in_ready, which a register drives", () => {
    const design = elaborate(SkidBuffer, { type: UInt(8) });
    const paths = combinationalPaths(design.top);
    expect([...paths.get("in_ready")!]).toEqual([]);
    expect([...paths.get("out_valid")!]).toEqual([]);
    expect([...paths.get("out_data")!]).toEqual([]);
    const inReady = design.top.ports.find((p) => p.signalName === "in_ready")!;
    const driver = design.top.drivers.get(inReady)!;
    expect(driver.op === "sig" && (driver as unknown as { kind: string }).kind).toBe("reg");
  });

  it("passes every beat in order under random valid and ready (interpreter)", () => {
    const design = elaborate(SkidBuffer, { type: UInt(12) });
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 4095n }), { minLength: 1, maxLength: 100 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1e6 }),
        (beats, pIn, pOut, seed) => {
          const r = interpStreams(design, spec(beats, pIn, pOut, seed));
          expect(r.outputs.out).toEqual(beats);
          expect(r.violations).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("in Verilator: same property, and N beats in N + 1 cycles", async () => {
    const emitted = emitVerilog(elaborate(SkidBuffer, { type: UInt(24) }));
    await lintVerilog(emitted);
    const model = await buildVerilator(emitted);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.bigInt({ min: 0n, max: (1n << 24n) - 1n }), { minLength: 1, maxLength: 150 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1e6 }),
        async (beats, pIn, pOut, seed) => {
          const r = await model.runStreams(spec(beats, pIn, pOut, seed));
          expect(r.outputs.out).toEqual(beats);
          expect(r.violations).toEqual([]);
        },
      ),
      { numRuns: 15 },
    );
    const n = 300;
    const beats = Array.from({ length: n }, (_, i) => BigInt(i * 7919));
    const r = await model.runStreams({
      inputs: [{ prefix: "in", beats }],
      outputs: [{ prefix: "out", count: n }],
    });
    expect(r.outputs.out).toEqual(beats);
    expect(r.cycles).toBe(n + SKID_BUFFER_LATENCY);
  });

  it("carries last", () => {
    const design = elaborate(SkidBuffer, { type: UInt(4), last: true });
    const r = interpStreams(design, spec([1n, 2n, 3n], 0.5, 0.5, 3));
    expect(r.outputs.out).toEqual([1n, 2n, 3n]);
  });
});
