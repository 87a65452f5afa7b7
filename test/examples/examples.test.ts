// The examples are written the way users should write designs; here they are checked
// against plain software models of what they compute.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Counter } from "../../examples/counter.js";
import { Fir, type FirParams, firOutputWidth } from "../../examples/fir.js";
import { elaborate } from "../../src/dsl/index.js";
import { Simulator } from "../../src/interp/simulator.js";

describe("examples/counter", () => {
  it("counts enabled cycles and wraps after the limit", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.boolean(), { maxLength: 80 }),
        (limit, enables) => {
          const sim = new Simulator(elaborate(Counter, { width: 5, limit }));
          sim.poke("ap_rst_n", 0);
          sim.step();
          sim.poke("ap_rst_n", 1);
          let model = 0;
          for (const en of enables) {
            sim.poke("enable", en);
            expect(sim.peek("count")).toBe(BigInt(model));
            expect(sim.peek("wrap")).toBe(en && model === limit ? 1n : 0n);
            sim.step();
            if (en) model = model === limit ? 0 : model + 1;
          }
        },
      ),
    );
  });
});

/** Software FIR over the sample sequence. */
function firModel(p: FirParams, samples: number[]): bigint[] {
  return samples.map((_, n) =>
    p.coefficients.reduce((s, c, i) => s + BigInt(c) * BigInt(n - i >= 0 ? samples[n - i]! : 0), 0n),
  );
}

describe("examples/fir", () => {
  it("filters a stream under random bubbles and backpressure", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -8, max: 7 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: -128, max: 127 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
        fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
        (coefficients, samples, valids, readies) => {
          const p = { sampleWidth: 8, coefficients };
          const sim = new Simulator(elaborate(Fir, p));
          sim.poke("ap_rst_n", 0);
          sim.step();
          sim.poke("ap_rst_n", 1);
          const got: bigint[] = [];
          let sent = 0;
          for (let cycle = 0; got.length < samples.length && cycle < 2000; cycle++) {
            const offer = sent < samples.length && (valids[cycle % 200]! || cycle > 400);
            sim.poke("in_valid", offer);
            sim.poke("in_data", BigInt.asUintN(8, BigInt(samples[sent] ?? 0)));
            const ready = readies[cycle % 200]! || cycle > 400;
            sim.poke("out_ready", ready);
            if (sim.peek("out_valid") === 1n && ready)
              got.push(BigInt.asIntN(firOutputWidth(p), sim.peek("out_data")));
            if (offer && sim.peek("in_ready") === 1n) sent++;
            sim.step();
          }
          expect(got).toEqual(firModel(p, samples));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("examples in Verilator", () => {
  it("the FIR filter's Verilog lints clean and filters a stream under random backpressure", async () => {
    const { buildVerilator, lintVerilog } = await import("../../sim/index.js");
    const { emitVerilog } = await import("../../src/rtl/emit.js");
    const p = { sampleWidth: 8, coefficients: [1, 3, -2, 5] };
    const emitted = emitVerilog(elaborate(Fir, p));
    await lintVerilog(emitted);
    await lintVerilog(emitVerilog(elaborate(Counter, { width: 8, limit: 9 })));
    const samples = Array.from({ length: 500 }, (_, i) => ((i * 37) % 256) - 128);
    const model = await buildVerilator(emitted);
    const r = await model.runStreams({
      inputs: [
        { prefix: "in", beats: samples.map((s) => BigInt(s)), validPattern: { probability: 0.7, seed: 1 } },
      ],
      outputs: [{ prefix: "out", count: samples.length, readyPattern: { probability: 0.6, seed: 2 } }],
    });
    expect(r.violations).toEqual([]);
    expect(r.outputs.out).toEqual(firModel(p, samples));
  });
});
