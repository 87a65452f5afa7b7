// The styles reach the primitives in Yosys synth_xilinx (UltraScale+): on one small 8-bit layer,
// LUT multipliers use no DSP slice where the default build uses DSPs, and runtime-writable
// weights asked for UltraRAM land in one URAM288 per PE.
import { describe, expect, it } from "vitest";
import { elaborate } from "../../../src/dsl/index.js";
import { Mvau, type MvauParams } from "../../../src/lib/mvau/index.js";
import { emitVerilog } from "../../../src/rtl/emit.js";
import { formatCells, synthXilinx } from "../../../src/synth/yosys.js";
import { INT, UINT } from "./random-layer.js";

const layer: MvauParams = {
  name: "small",
  mw: 16,
  mh: 4,
  simd: 4,
  pe: 2,
  inputType: UINT(8),
  weightType: INT(8),
  weights: Array.from({ length: 4 }, (_, r) =>
    Array.from({ length: 16 }, (_, c) => ((r * 37 + c * 11) % 255) - 127),
  ),
  activation: { kind: "none" },
};

describe("MVAU styles in Yosys synth_xilinx -family xcup", () => {
  it("DSP multipliers use DSP slices", { timeout: 300_000 }, async () => {
    const r = await synthXilinx(emitVerilog(elaborate(Mvau, layer)));
    console.log(`${r.top}: ${formatCells(r.cells)}`);
    expect(r.cells.dsp).toBeGreaterThan(0);
  });

  it("LUT multipliers use none; runtime weights in UltraRAM use one URAM288 per PE", {
    timeout: 300_000,
  }, async () => {
    const p: MvauParams = { ...layer, multipliers: "lut", runtimeWeights: true, weightMemory: "ultra" };
    const r = await synthXilinx(emitVerilog(elaborate(Mvau, p)));
    console.log(`${r.top}: ${formatCells(r.cells)}`);
    expect(r.cells.dsp).toBe(0);
    expect(r.cells.uram).toBe(layer.pe);
    expect(r.cells.bram18 + r.cells.bram36).toBe(0);
  });
});
