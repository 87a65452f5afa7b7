// The open iCE40 flow end to end on a tiny design (a one-layer network behind the UART
// bridge): synth_ice40, nextpnr-ice40 place-and-route with the board's pins, icepack; the
// post-synthesis netlist (with Yosys's iCE40 cell models) simulated in Icarus at the bit level
// of the serial line against the golden model; and the parsing of nextpnr's report.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildIcarus } from "../../sim/index.js";
import { boardPcf } from "../../src/compiler/constraints.js";
import { compileModel } from "../../src/compiler/generate.js";
import { classesFromReply, serialRequest } from "../../src/compiler/serial-host.js";
import { getBoard } from "../../src/fold/boards.js";
import { runGolden } from "../../src/model/golden/index.js";
import type { Model } from "../../src/model/model-format.js";
import { parseNextpnrReport, runIce40Flow } from "../../src/synth/ice40.js";
import { serialDesign } from "../../src/synth/ice40-build.js";
import { UartLineReceiver, uartWaveform } from "../support/uart-line.js";

const tiny: Model = {
  format: "loom-qnn",
  version: 1,
  name: "tiny",
  input: { shape: [4], datatype: "UINT2" },
  layers: [
    {
      name: "fc0",
      kind: "dense",
      inFeatures: 4,
      outFeatures: 3,
      weightDatatype: "INT2",
      weights: [
        [1, -2, 0, 1],
        [-1, 1, 1, 0],
        [0, 1, -2, 1],
      ],
      activation: { kind: "none", bias: [0, 1, -1], scale: 1 },
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

  it("places and routes a tiny accelerator behind the UART on the iCEBreaker", async () => {
    const board = getBoard("icebreaker");
    const compiled = compileModel(tiny, { board: board.name });
    const { emitted, clocksPerBit } = serialDesign(compiled);
    expect(clocksPerBit).toBe(104);
    const r = await runIce40Flow(
      { files: emitted.files, verilogFiles: emitted.verilogFiles, top: emitted.topName },
      board.ice40!,
      { pcf: boardPcf(board), clockMHz: compiled.clockMHz, netlist: true },
    );
    expect(r.cells.SB_LUT4).toBeGreaterThan(10);
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

    // The mapped netlist (SB_LUT4, SB_DFF*, SB_CARRY… from cells_sim.v) answers images sent
    // over the line at the bitstream's 104 cycles per bit with the golden model's classes.
    const yosysShare = join(dirname(createRequire(import.meta.url).resolve("@yowasp/yosys")), "share");
    // Verilog-2005 has no default values on input ports: Icarus's -g2005 needs them off.
    const cells = `\`define NO_ICE40_DEFAULT_ASSIGNMENTS\n${readFileSync(join(yosysShare, "ice40", "cells_sim.v"), "utf8")}`;
    const netlist = await buildIcarus({
      ...emitted,
      files: new Map([
        ["cells_sim.v", cells],
        ["netlist.v", r.netlist!],
      ]),
      verilogFiles: ["cells_sim.v", "netlist.v"],
    });
    const images = [
      [0n, 1n, 2n, 3n],
      [3n, 3n, 0n, 1n],
      [2n, 0n, 1n, 3n],
    ];
    const line = uartWaveform(serialRequest(compiled.plan, images), clocksPerBit, [7]);
    const cycles = line.length + 3 * 12 * clocksPerBit;
    const outs = await netlist.runCycles(
      Array.from({ length: cycles }, (_, t) => ({
        ap_rst_n: t < 2 ? 0n : 1n,
        uart_rx: BigInt(t < 2 ? 1 : (line[t - 2] ?? 1)),
      })),
    );
    const rx = new UartLineReceiver(clocksPerBit);
    for (const o of outs) rx.sample(Number(o.uart_tx));
    expect(rx.errors).toEqual([]);
    expect(classesFromReply(compiled.plan, rx.bytes)).toEqual(
      runGolden(compiled.streamlined, images).predictions,
    );
  }, 600_000);
});
