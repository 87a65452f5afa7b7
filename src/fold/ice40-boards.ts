// Lattice iCE40 boards: no processor, so the accelerator talks to the host over the board's
// USB serial port (docs/ice40.md). Capacities from Lattice's iCE40 UltraPlus family data sheet
// (FPGA-DS-02008: UP5K 5,280 LUT4, 30 EBR of 4 Kib, 4 SPRAM of 256 Kib, 8 SB_MAC16) and the
// iCE40 LP/HX family data sheet (FPGA-DS-02029: HX8K 7,680 LUT4, 32 EBR, no DSP).
// Pins as the boards' documented pin files give them: iCEBreaker (icestorm
// examples/icebreaker/icebreaker.pcf, schematic v1.0e: 12 MHz oscillator on pin 35, FTDI
// channel B UART with the FPGA's RX on pin 6 and TX on pin 9) and the iCE40-HX8K breakout board
// (user guide EB85 and icestorm examples/hx8kboard: 12 MHz on J3, FTDI UART RX on B10, TX on B12).

/** Device, package and serial pins nextpnr-ice40 and the generated top need. */
export interface Ice40Part {
  /** nextpnr-ice40's device flag (`--up5k`, `--hx8k`). */
  device: "up5k" | "hx8k";
  package: string;
  /** Embedded block RAMs (SB_RAM40_4K, 4 Kib each). */
  ebr: number;
  /** Single-port RAMs (SB_SPRAM256KA, 256 Kib each; not initialisable from the bitstream). */
  spram: number;
  /** SB_MAC16 DSP blocks. */
  dsp: number;
  /**
   * Package pins of the clock, the FPGA's ends of the USB serial link, and the (active-low,
   * pulled-up) reset. The design needs no reset pulse: every register's reset value is 0, the
   * iCE40's power-up state (checked when the top is built).
   */
  pins: { clk: string; uartRx: string; uartTx: string; reset: string };
  /** The oscillator on the clock pin. */
  oscillatorMHz: number;
}

/** SB_RAM40_4K aspect ratios (depth × width). */
export const ICE40_EBR_SHAPES: ReadonlyArray<readonly [number, number]> = [
  [2048, 2],
  [1024, 4],
  [512, 8],
  [256, 16],
];

const up5k: Ice40Part = {
  device: "up5k",
  package: "sg48",
  ebr: 30,
  spram: 4,
  dsp: 8,
  // Reset on the user button BTN_N (pin 10).
  pins: { clk: "35", uartRx: "6", uartTx: "9", reset: "10" },
  oscillatorMHz: 12,
};

const hx8k: Ice40Part = {
  device: "hx8k",
  package: "ct256",
  ebr: 32,
  spram: 0,
  dsp: 0,
  // No button on this board: reset on user I/O P16, left open (pulled up) or tied low to reset.
  pins: { clk: "J3", uartRx: "B10", uartTx: "B12", reset: "P16" },
  oscillatorMHz: 12,
};

/**
 * The iCE40 entries of the board list (a logic cell holds one LUT4 and one flip-flop). The
 * folding may fill them: the chip is small, and place-and-route (`loom synth`) checks the fit.
 */
export const ICE40_BOARDS = [
  {
    name: "icebreaker",
    displayName: "iCEBreaker (iCE40UP5K)",
    part: "iCE40UP5K-SG48",
    family: "ice40",
    lut: 5280,
    ff: 5280,
    bram36: up5k.ebr / 2,
    uram: 0,
    dsp: up5k.dsp,
    defaultClockMHz: up5k.oscillatorMHz,
    ice40: up5k,
    defaultUtilisation: 1,
  },
  {
    name: "hx8k-breakout",
    displayName: "iCE40-HX8K breakout",
    part: "iCE40HX8K-CT256",
    family: "ice40",
    lut: 7680,
    ff: 7680,
    bram36: hx8k.ebr / 2,
    uram: 0,
    dsp: 0,
    defaultClockMHz: hx8k.oscillatorMHz,
    ice40: hx8k,
    defaultUtilisation: 1,
  },
] as const;
