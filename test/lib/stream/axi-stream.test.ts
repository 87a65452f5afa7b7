import { describe, expect, it } from "vitest";
import { lintVerilog } from "../../../sim/index.js";
import { defineModule, ElaborationError, elaborate, ports } from "../../../src/dsl/index.js";
import { Simulator } from "../../../src/interp/simulator.js";
import {
  axisPaddedWidth,
  axisPorts,
  convertWidth,
  fork,
  fromAxis,
  mapStream,
  queue,
  skidBuffer,
  toAxis,
} from "../../../src/lib/stream/index.js";
import { emitVerilog } from "../../../src/rtl/emit.js";

// A top in the shape the compiler emits: AXI4-Stream in, internal blocks composed as values,
// AXI4-Stream out. 12-bit pixels in, 4-bit results out (padded to 16 and 8 bits).
const Top = defineModule("AxisPipelineTop", () => {
  const io = ports(axisPorts({ inWidth: 12, outWidth: 4 }));
  const pixels = fromAxis("pixels", io.s_axis, 12);
  const buffered = queue("q0", pixels, 16);
  const mixed = mapStream("mix", buffered, (d) => d.bits(11, 8).xor(d.bits(7, 4)).xor(d.bits(3, 0)));
  const sliced = skidBuffer("slice", mixed);
  const [a, b] = fork("split", sliced);
  const narrowed = convertWidth("narrow", a!, 2);
  const widened = convertWidth("widen", narrowed, 4);
  b!.ready.set(1);
  toAxis(io.m_axis, queue("q1", widened, 2));
  return io;
});

describe("AXI4-Stream adapter", () => {
  it("pads tdata to whole bytes and names the ports s_axis_* / m_axis_*", () => {
    expect([1, 8, 9, 12, 16, 17].map(axisPaddedWidth)).toEqual([8, 8, 16, 16, 16, 24]);
    const emitted = emitVerilog(elaborate(Top, {}));
    const names = emitted.topPorts.map((p) => `${p.name}:${p.width}`);
    expect(names).toEqual([
      "ap_clk:1",
      "ap_rst_n:1",
      "s_axis_tvalid:1",
      "s_axis_tready:1",
      "s_axis_tdata:16",
      "m_axis_tvalid:1",
      "m_axis_tready:1",
      "m_axis_tdata:8",
    ]);
  });

  it("composes queue, map, skid buffer, fork and converters into a lint-clean top", async () => {
    await lintVerilog(emitVerilog(elaborate(Top, {})));
  });

  it("computes the transform end to end, ignoring input padding and zeroing output padding", () => {
    const sim = new Simulator(elaborate(Top, {}));
    sim.poke("ap_rst_n", 0);
    sim.step();
    sim.poke("ap_rst_n", 1);
    const inputs = Array.from({ length: 40 }, (_, i) => (i * 2654435761) % 65536);
    const expected = inputs.map((x) => ((x >> 8) ^ (x >> 4) ^ x) & 0xf);
    const got: number[] = [];
    let k = 0;
    for (let t = 0; t < 400 && got.length < inputs.length; t++) {
      sim.poke("s_axis_tvalid", k < inputs.length ? 1 : 0);
      sim.poke("s_axis_tdata", inputs[Math.min(k, inputs.length - 1)]!);
      sim.poke("m_axis_tready", t % 3 === 0 ? 0 : 1);
      if (sim.peek("m_axis_tvalid") === 1n && sim.peek("m_axis_tready") === 1n) {
        const d = Number(sim.peek("m_axis_tdata"));
        expect(d >> 4).toBe(0);
        got.push(d);
      }
      if (k < inputs.length && sim.peek("s_axis_tready") === 1n) k++;
      sim.step();
    }
    expect(got).toEqual(expected);
  });

  it("rejects a tdata width that does not match the stream", () => {
    const Bad = defineModule("BadAxis", () => {
      const io = ports(axisPorts({ inWidth: 12, outWidth: 4 }));
      const s = fromAxis("s", io.s_axis, 12);
      toAxis(io.m_axis, { ...s, data: s.data });
      return io;
    });
    expect(() => elaborate(Bad, {})).toThrow(ElaborationError);
  });
});
