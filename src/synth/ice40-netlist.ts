// Simulation of the iCE40 flow's post-synthesis netlist (Yosys `write_verilog` after
// `synth_ice40`: SB_LUT4, SB_DFF*, SB_CARRY, SB_RAM40_4K… instances) with Yosys's own cell
// models, so the logic the bitstream is made from is checked against the golden model. The
// netlist is driven the way the board is: images sent over the UART line at the bitstream's
// cycles per bit, classes read back off `uart_tx` by a line model independent of the hardware.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { CycleVector, SimModel } from "../../sim/index.js";
import { UartLineReceiver, uartWaveform } from "../../sim/uart-line.js";
import type { AcceleratorPlan } from "../compiler/plan.js";
import { classesFromReply, serialReplyBytes, serialRequest } from "../compiler/serial-host.js";
import type { EmittedDesign } from "../rtl/emit.js";

/**
 * Yosys's iCE40 cell models (`share/ice40/cells_sim.v` of the bundled @yowasp/yosys, the same
 * version that wrote the netlist). Verilog-2005 and Verilator 5.0 have no default values on input
 * ports, so those are switched off; Yosys's netlist connects every port it uses.
 */
export function ice40CellModels(): string {
  const share = join(dirname(createRequire(import.meta.url).resolve("@yowasp/yosys")), "share");
  const models = readFileSync(join(share, "ice40", "cells_sim.v"), "utf8");
  return `\`define NO_ICE40_DEFAULT_ASSIGNMENTS\n${models}`;
}

/** The emitted top with its RTL replaced by the post-synthesis netlist and the cell models. */
export function netlistDesign(emitted: EmittedDesign, netlist: string): EmittedDesign {
  return {
    ...emitted,
    files: new Map([
      ["cells_sim.v", ice40CellModels()],
      ["netlist.v", netlist],
    ]),
    verilogFiles: ["cells_sim.v", "netlist.v"],
  };
}

export interface SerialRun {
  /** Classes read back off the line, one per image. */
  classes: number[];
  /** Cycles the host spends sending one image (its bytes as 8N1 frames, back to back). */
  sendCyclesPerImage: number;
  /**
   * Per image, cycles from the start bit of its last byte to the start bit of its answer (the
   * receiver takes a byte in the middle of its stop bit, so the end of the line is no reference).
   */
  answerCycles: number[];
  /** Cycles simulated, reset included. */
  cycles: number;
  /** Wall time of the simulator runs. */
  seconds: number;
}

/** Cycles of reset before the line starts. */
const RESET_CYCLES = 2;

/**
 * Sends `images` over the serial line of a serial top (`loom synth` for an iCE40 board: ports
 * ap_rst_n, uart_rx, uart_tx), a run of `imagesPerRun` images back to back from reset at a time
 * (so the per-cycle stimulus stays a few million cycles), and reads the classes back.
 */
export async function runSerialImages(
  model: SimModel,
  plan: AcceleratorPlan,
  images: readonly (readonly bigint[])[],
  clocksPerBit: number,
  o: { imagesPerRun?: number; timeoutMs?: number } = {},
): Promise<SerialRun> {
  const perRun = o.imagesPerRun ?? 4;
  const replyBytes = serialReplyBytes(plan);
  const frame = 10 * clocksPerBit;
  // After the last byte: the layers' pipeline (a few initiation intervals) and the answer frames.
  const tail = 4 * plan.layers.length * plan.initiationInterval + (replyBytes + 2) * frame;
  const started = performance.now();
  const run: SerialRun = { classes: [], sendCyclesPerImage: 0, answerCycles: [], cycles: 0, seconds: 0 };
  for (let first = 0; first < images.length; first += perRun) {
    const batch = images.slice(first, first + perRun);
    const line = uartWaveform(serialRequest(plan, batch), clocksPerBit, [0]);
    const perImage = line.length / batch.length;
    run.sendCyclesPerImage = perImage;
    // Inputs hold their value until a vector changes them: only the line's edges are listed.
    const vectors = Array.from(
      { length: RESET_CYCLES + line.length + tail },
      (_, t): CycleVector =>
        t < RESET_CYCLES ? { ap_rst_n: 0n, uart_rx: 1n } : t === RESET_CYCLES ? { ap_rst_n: 1n } : {},
    );
    let level = 1;
    line.forEach((bit, t) => {
      if (bit !== level) vectors[RESET_CYCLES + t] = { ...vectors[RESET_CYCLES + t], uart_rx: BigInt(bit) };
      level = bit;
    });
    const outs = await model.runCycles(vectors, { timeoutMs: o.timeoutMs });
    const rx = new UartLineReceiver(clocksPerBit);
    const starts: number[] = [];
    outs.forEach((out, t) => {
      const before = rx.bytes.length;
      rx.sample(Number(out.uart_tx));
      if (rx.bytes.length > before) starts.push(t - Math.floor(clocksPerBit / 2) - 9 * clocksPerBit);
    });
    if (rx.errors.length > 0) throw new Error(`the serial answer has framing errors: ${rx.errors[0]}`);
    if (rx.bytes.length !== batch.length * replyBytes) {
      throw new Error(
        `the netlist answered ${rx.bytes.length} bytes for ${batch.length} images (expected ${batch.length * replyBytes})`,
      );
    }
    run.classes.push(...classesFromReply(plan, rx.bytes));
    batch.forEach((_, i) => {
      const lastByte = RESET_CYCLES + (i + 1) * perImage - frame;
      run.answerCycles.push(starts[i * replyBytes]! - lastByte);
    });
    run.cycles += vectors.length;
  }
  run.seconds = (performance.now() - started) / 1000;
  return run;
}
