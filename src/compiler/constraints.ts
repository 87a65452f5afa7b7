// Board constraints. On the Zynq boards the accelerator talks to the processor through AXI
// DMA, so no pins are placed: the PL clock is the only timing constraint.
import type { Board } from "../nn/boards.js";

export function clockPeriodNs(clockMHz: number): number {
  return Math.round((1000 / clockMHz) * 1000) / 1000;
}

export function boardXdc(board: Board, clockMHz: number, clockPort = "ap_clk"): string {
  return [
    `# ${board.displayName} (${board.part}): timing constraints for the Loom accelerator.`,
    "# No board pins: the accelerator is reached through AXI DMA from the processing system.",
    `create_clock -period ${clockPeriodNs(clockMHz).toFixed(3)} -name ${clockPort} [get_ports ${clockPort}]`,
    "",
  ].join("\n");
}
