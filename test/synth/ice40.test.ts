// The open iCE40 flow end to end on a tiny design (a one-layer 8-bit network behind the UART
// bridge, its products in SB_MAC16s summed by an adder tree): synth_ice40, nextpnr-ice40 place-and-route with the board's pins, icepack; the
// post-synthesis netlist (with Yosys's iCE40 cell models) simulated in Icarus and Verilator at the
// bit level of the serial line against the golden model; and the parsing of nextpnr's report.
import { describe, expect, it } from "vitest";
import { buildIcarus, buildVerilator } from "../../sim/index.js";
import { boardPcf } from "../../src/compiler/constraints.js";
import { compileModel } from "../../src/compiler/generate.js";
import { getBoard } from "../../src/fold/boards.js";
import { runGolden } from "../../src/model/golden/index.js";
import type { Model } from "../../src/model/model-format.js";
import { keepDspProducts, parseNextpnrReport, runIce40Flow } from "../../src/synth/ice40.js";
import { serialDesign } from "../../src/synth/ice40-build.js";
import { netlistDesign, runSerialImages } from "../../src/synth/ice40-netlist.js";

const tiny: Model = {
  format: "loom-qnn",
  version: 1,
  name: "tiny",
  input: { shape: [4], datatype: "UINT8" },
  layers: [
    {
      name: "fc0",
      kind: "dense",
      inFeatures: 4,
      outFeatures: 3,
      weightDatatype: "INT8",
      weights: [
        [37, -128, 5, 90],
        [-61, 74, 127, -3],
        [12, 55, -90, 101],
      ],
      activation: { kind: "none", bias: [0, 300, -200], scale: 1 },
    },
  ],
  output: { argmax: true },
};

describe("iCE40 flow", () => {
  it("reads Fmax per clock and utilisation from nextpnr's report", () => {
    const r = parseNextpnrReport(
      JSON.stringify({
        fmax: { ap_clk$SB_IO_IN_$glb_clk: { achieved: 61.5, constraint: 12 } },
        utilization: {
          ICESTORM_LC: { available: 5280, used: 194 },
          ICESTORM_RAM: { available: 30, used: 2 },
        },
      }),
    );
    expect(r.fmaxMHz).toEqual({ ap_clk$SB_IO_IN_$glb_clk: 61.5 });
    expect(r.utilisation.ICESTORM_RAM).toEqual({ used: 2, available: 30 });
    expect(() => parseNextpnrReport("{}")).toThrow(/no utilization/);
    expect(() => parseNextpnrReport("not json")).toThrow(/not JSON/);
  });

  it("keeps apart the product registers that go to an SB_MAC16, and only those", () => {
    const v =
      "  reg signed [16:0] product_0_1;\n  reg [10:0] product_2_0;\n  reg signed [9:0] product_1_1;\n  reg [16:0] sum_0;\n";
    expect(keepDspProducts(v)).toBe(
      "  (* keep *) reg signed [16:0] product_0_1;\n  (* keep *) reg [10:0] product_2_0;\n  reg signed [9:0] product_1_1;\n  reg [16:0] sum_0;\n",
    );
  });

  it("places and routes a tiny accelerator behind the UART on the iCEBreaker", async () => {
    const board = getBoard("icebreaker");
    // Two lanes per PE: the layer's sum of two registered products is what Yosys 0.55's
    // ice40_dsp miscompiled (one product lost) until keepDspProducts.
    const compiled = compileModel(tiny, {
      board: board.name,
      folding: { layers: [{ name: "fc0", pe: 3, simd: 2 }] },
    });
    const { emitted, clocksPerBit } = serialDesign(compiled);
    expect(clocksPerBit).toBe(104);
    const r = await runIce40Flow(
      { files: emitted.files, verilogFiles: emitted.verilogFiles, top: emitted.topName },
      board.ice40!,
      { pcf: boardPcf(board), clockMHz: compiled.clockMHz, netlist: true },
    );
    expect(r.cells.SB_LUT4).toBeGreaterThan(10);
    // One SB_MAC16 per 9 × 8-bit signed product (PE 3 × SIMD 2), as the estimate counts them
    // (without keepDspProducts Yosys 0.55 builds 3, each losing the other product of its sum).
    expect(r.cells.SB_MAC16).toBe(6);
    expect(compiled.report.layers[0]!.estimate.dsp).toBe(6);
    const lc = r.utilisation.ICESTORM_LC!;
    expect(lc.available).toBe(5280);
    expect(lc.used).toBeGreaterThan(10);
    expect(lc.used).toBeLessThan(lc.available);
    // Clock, UART RX and TX, reset: four placed I/Os.
    expect(r.utilisation.SB_IO!.used).toBe(4);
    // One clock, and a design this small runs well above the board's 12 MHz on a UP5K.
    expect(Object.keys(r.fmaxMHz)).toHaveLength(1);
    expect(r.fmax!).toBeGreaterThan(12);
    expect(r.fmax!).toBeLessThan(500);
    // An UP5K bitstream (icepack's .bin) is 104,090 bytes, starting with the 0x7EAA997E sync word after a comment.
    expect(r.bitstream.length).toBe(104090);
    expect(Buffer.from(r.bitstream).includes(Buffer.from([0x7e, 0xaa, 0x99, 0x7e]))).toBe(true);

    // The mapped netlist (SB_LUT4, SB_DFF*, SB_CARRY… with Yosys's cells_sim.v) answers images
    // sent back to back over the line at the bitstream's 104 cycles per bit with the golden
    // model's classes, in Icarus and in Verilator (the simulator for netlists of real size).
    const images = [
      [200n, 3n, 17n, 250n],
      [0n, 255n, 255n, 9n],
      [128n, 40n, 0n, 201n],
      [90n, 250n, 1n, 30n],
    ];
    const golden = runGolden(compiled.streamlined, images).predictions;
    expect(new Set(golden).size).toBeGreaterThan(1);
    const design = netlistDesign(emitted, r.netlist!);
    for (const model of [await buildIcarus(design), await buildVerilator(design)]) {
      const run = await runSerialImages(model, compiled.plan, images, clocksPerBit, { imagesPerRun: 4 });
      expect(run.classes, model.simulator).toEqual(golden);
      // Four 8N1 frames per image (one byte per code); the answer starts after the image's
      // last byte is in (its start, eight data bits and half the stop bit).
      expect(run.sendCyclesPerImage).toBe(4 * 10 * clocksPerBit);
      for (const c of run.answerCycles) expect(c).toBeGreaterThan(9.5 * clocksPerBit);
    }
  }, 900_000);
});
