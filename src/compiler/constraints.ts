// Board constraints. On the Zynq boards the accelerator talks to the processor through AXI
// DMA, so no pins are placed: the PL clock is the only timing constraint. The iCE40 boards
// have no processor: their pin file places the serial top's clock, UART and reset.
import type { Board } from "../fold/boards.js";
import { SERIAL_PORTS } from "./serial-top.js";

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

/**
 * A `.pcf` pin file: one `set_io` per port (`-nowarn`: a port the design does not use is no
 * error); ports in `pullUp` get the pin's internal pull-up.
 */
export function pcfText(
  title: string,
  pins: Readonly<Record<string, string>>,
  pullUp: readonly string[] = [],
): string {
  const lines = Object.entries(pins).map(
    ([port, pin]) => `set_io -nowarn${pullUp.includes(port) ? " -pullup yes" : ""} ${port} ${pin}`,
  );
  return `# ${title}\n${lines.join("\n")}\n`;
}

/** The board's pin file for the serial top: clock, UART, and the reset on a pulled-up pin. */
export function boardPcf(board: Board): string {
  const part = board.ice40;
  if (!part) throw new Error(`${board.name} is not an iCE40 board`);
  return pcfText(
    `${board.displayName} (${board.part}): Loom serial top`,
    {
      ap_clk: part.pins.clk,
      [SERIAL_PORTS.rx]: part.pins.uartRx,
      [SERIAL_PORTS.tx]: part.pins.uartTx,
      ap_rst_n: part.pins.reset,
    },
    ["ap_rst_n"],
  );
}
