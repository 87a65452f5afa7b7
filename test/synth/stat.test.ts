// Parsing Yosys `stat -json`, hierarchical cell totals, cell classification, family choice and
// the weight-placement check: pure functions, no Yosys run.
import { describe, expect, it } from "vitest";
import { getBoard } from "../../src/fold/boards.js";
import { layerModule, lutsOccupied } from "../../src/synth/accelerator.js";
import { familyForBoard } from "../../src/synth/family.js";
import { checkWeightPlacement, romStyles, weightMemoryModules } from "../../src/synth/memory-check.js";
import { hierarchicalCells, instanceCounts, parseStat } from "../../src/synth/stat.js";
import { classifyCells } from "../../src/synth/yosys.js";

const statText = JSON.stringify({
  creator: "Yosys 0.55",
  modules: {
    "\\top": { num_cells_by_type: { BUFG: 1, fc0_mw16_mh8_s4_p2_X: 1, Fifo: 2, LUT3: 5 } },
    "\\fc0_mw16_mh8_s4_p2_X": { num_cells_by_type: { Fifo: 1, RAMB18E2: 2, LUT6: 10, FDRE: 20, DSP48E2: 3 } },
    "\\Fifo": { num_cells_by_type: { RAM32M: 1, FDRE: 4, LUT2: 1, SRLC32E: 2 } },
  },
  design: { num_cells_by_type: { FDRE: 32 } },
});

describe("Yosys statistics", () => {
  it("parses modules and expands instances of user modules recursively", () => {
    const stat = parseStat(statText);
    expect([...stat.modules.keys()].sort()).toEqual(["Fifo", "fc0_mw16_mh8_s4_p2_X", "top"]);
    expect(hierarchicalCells(stat, "fc0_mw16_mh8_s4_p2_X")).toEqual({
      RAM32M: 1,
      FDRE: 24,
      LUT2: 1,
      SRLC32E: 2,
      RAMB18E2: 2,
      LUT6: 10,
      DSP48E2: 3,
    });
    const top = classifyCells(hierarchicalCells(stat, "top"));
    expect(top).toMatchObject({ lut: 5 + 10 + 3, ff: 32, lutram: 3, srl: 6, bram18: 2, bram36: 0, dsp: 3 });
    expect(top.ff).toBe(stat.design?.FDRE);
    expect(instanceCounts(stat, "top").get("Fifo")).toBe(3);
    // LUTs occupied: logic + 4 per RAM32M + 1 per SRL.
    expect(lutsOccupied(top)).toBe(18 + 12 + 6);
  });

  it("rejects output that is not a stat report", () => {
    expect(() => parseStat("nope")).toThrow(/not JSON/);
    expect(() => parseStat("{}")).toThrow(/no modules/);
    expect(() => hierarchicalCells(parseStat(statText), "missing")).toThrow(/not in the synthesised design/);
  });

  it("classifies 7-series and UltraScale+ primitives", () => {
    const c = classifyCells({
      LUT1: 1,
      LUT6: 2,
      FDSE: 1,
      FDCE: 1,
      RAMB36E1: 1,
      RAMB18E1: 2,
      RAM64X1D: 1,
      SRL16E: 1,
      DSP48E1: 4,
      CARRY4: 2,
      URAM288: 1,
      INV: 7,
    });
    expect(c).toMatchObject({
      lut: 3,
      ff: 2,
      bram36: 1,
      bram18: 2,
      lutram: 1,
      srl: 1,
      dsp: 4,
      carry: 2,
      uram: 1,
    });
  });

  it("finds a layer's MVAU module by the generator's naming", () => {
    expect(layerModule(["top", "fc0_mw16_mh8_s4_p2_X", "fc1_mw8_mh2_s8_p2_Y"], "fc1")).toBe(
      "fc1_mw8_mh2_s8_p2_Y",
    );
    expect(layerModule(["dense_1_mw4_mh2_s1_p1_Z"], "dense.1")).toBe("dense_1_mw4_mh2_s1_p1_Z");
    expect(layerModule(["top"], "fc0")).toBeUndefined();
  });
});

describe("family and memory placement", () => {
  it("maps UltraScale+ boards to xcup and Zynq-7000 boards to xc7", () => {
    expect(["zcu104", "zcu102", "ultra96"].map((b) => familyForBoard(getBoard(b)))).toEqual([
      "xcup",
      "xcup",
      "xcup",
    ]);
    expect(["pynq-z1", "pynq-z2"].map((b) => familyForBoard(getBoard(b)))).toEqual(["xc7", "xc7"]);
  });

  it("finds an MVAU's weight memories by instance, whatever name the emitter gave their modules", () => {
    const mvau = [
      "  fc0_mw8_x_weights_0 weights_0 (",
      "  fc0_mw8_x_weights_1_1 weights_1 (",
      "  CreditQueue_d2_w8 outputQueue (",
      "  wire [7:0] weights_0_readData;",
    ].join("\n");
    expect(weightMemoryModules(mvau)).toEqual(["fc0_mw8_x_weights_0", "fc0_mw8_x_weights_1_1"]);
  });

  it("flags block-RAM weights that landed in LUTs and large weights built from LUTs", () => {
    const verilog =
      '(* rom_style = "block" *) reg [127:0] weights_0 [0:127];\n(* rom_style = "block" *) reg [127:0] weights_1 [0:127];';
    expect(romStyles(verilog)).toEqual({ block: 2, distributed: 0 });
    // Runtime-writable weights are RAMs: block RAM and UltraRAM both count as block memories.
    const writable =
      '(* ram_style = "block" *) reg [127:0] weights_0 [0:127];\n(* ram_style = "ultra" *) reg [127:0] weights_1 [0:127];\n(* rom_style = "distributed" *) reg [7:0] t [0:3];';
    expect(romStyles(writable)).toEqual({ block: 2, distributed: 1 });
    const none = { bram18: 0, bram36: 0, uram: 0 };
    expect(
      checkWeightPlacement(
        "fc0",
        { block: 2, distributed: 0 },
        { depth: 128, width: 128 },
        { ...none, bram36: 1 },
      ).problem,
    ).toBeUndefined();
    expect(
      checkWeightPlacement("fc0", { block: 2, distributed: 0 }, { depth: 128, width: 128 }, none).problem,
    ).toMatch(/weights went to LUTs/);
    expect(
      checkWeightPlacement("fc0", { block: 0, distributed: 2 }, { depth: 512, width: 64 }, none).problem,
    ).toMatch(/large/);
    expect(
      checkWeightPlacement("fc0", { block: 0, distributed: 2 }, { depth: 16, width: 8 }, none).problem,
    ).toBeUndefined();
  });
});
