// Output-stream protocol checks: a producer that withdraws or changes a refused beat is caught
// the same way by both simulators, and Icarus reports X on outputs after reset.
import { describe, expect, it } from "vitest";
import { buildIcarus, buildVerilator, type StreamSpec } from "../../sim/index.js";
import { defineModule, elaborate, output, ports, reg, Stream, UInt } from "../../src/dsl/index.js";
import { emitVerilog } from "../../src/rtl/emit.js";

/** Offers a new beat every cycle whatever `ready` says: valid toggles and data keeps changing. */
const Rude = defineModule("Rude", () => {
  const io = ports({ out: output(Stream(UInt(4))), junk: output(UInt(4)) });
  const n = reg("n", UInt(4), { init: 0 });
  const loose = reg("loose", UInt(4)); // never reset: X forever under Icarus
  n.next(n.add(1));
  loose.next(loose.add(1));
  io.out.valid.set(n.bit(0).or(n.bit(1)));
  io.out.data.set(n);
  io.junk.set(loose);
  return io;
});

describe("stream protocol violations", () => {
  it("are reported identically by Verilator and Icarus", async () => {
    const design = emitVerilog(elaborate(Rude, {}));
    const [v, i] = await Promise.all([buildVerilator(design), buildIcarus(design)]);
    const spec: StreamSpec = {
      inputs: [],
      outputs: [{ prefix: "out", count: 4, readyPattern: [false, false, true] }],
    };
    const [rv, ri] = await Promise.all([v.runStreams(spec), i.runStreams(spec)]);
    expect(rv.violations).toContain("out: data changed while stalled at cycle 2 (0x1 -> 0x2)");
    expect(rv.violations).toContain("out: valid dropped at cycle 4 before the stalled beat was taken");
    expect(ri.violations.filter((x) => !x.includes("X/Z"))).toEqual(rv.violations);
    expect(ri.violations).toContain("junk: X/Z at cycle 0");
    expect({ ...ri, violations: [] }).toEqual({ ...rv, violations: [] });
  });
});
