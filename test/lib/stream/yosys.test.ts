// Resource check with Yosys synth_xilinx (WebAssembly, ~1 minute per design): the FIFO styles
// map to the intended primitives with little control logic.
import { describe, expect, it } from "vitest";
import { elaborate, UInt } from "../../../src/dsl/index.js";
import { StreamFifo } from "../../../src/lib/stream/index.js";
import { emitVerilog } from "../../../src/rtl/emit.js";
import { formatCells, synthXilinx } from "../../../src/synth/yosys.js";

describe("StreamFifo resources (Yosys synth_xilinx -family xcup)", () => {
  it("a 1024 × 32 bram FIFO uses block RAM and little logic", { timeout: 300_000 }, async () => {
    const r = await synthXilinx(
      emitVerilog(elaborate(StreamFifo, { type: UInt(32), depth: 1024, style: "bram" })),
    );
    console.log(`${r.top}: ${formatCells(r.cells)}`);
    expect(r.cells.bram18 + 2 * r.cells.bram36).toBeGreaterThanOrEqual(2);
    expect(r.cells.lutram + r.cells.srl).toBe(0);
    expect(r.cells.lut).toBeLessThanOrEqual(96);
  });

  it("a 32 × 8 lutram FIFO uses distributed RAM and little logic", { timeout: 300_000 }, async () => {
    const r = await synthXilinx(
      emitVerilog(elaborate(StreamFifo, { type: UInt(8), depth: 32, style: "lutram" })),
    );
    console.log(`${r.top}: ${formatCells(r.cells)}`);
    expect(r.cells.lutram + r.cells.srl).toBeGreaterThanOrEqual(1);
    expect(r.cells.bram18 + r.cells.bram36).toBe(0);
    expect(r.cells.lut).toBeLessThanOrEqual(48);
  });
});
