// Supported boards and their programmable-logic budgets (docs: shared semantics.md, "Boards").
import { LoomError } from "../core/errors.js";
import { DSP48E1, DSP48E2, DSP48E2_INFERRED, type DspPorts } from "../lib/mvau/dsp-packing.js";
import type { EstimateOptions } from "./estimate.js";
import { ICE40_BOARDS, ICE40_EBR_SHAPES, type Ice40Part } from "./ice40-boards.js";

export interface Board {
  /** Canonical lower-case name used on the command line. */
  name: string;
  displayName: string;
  part: string;
  family: "ultrascale+" | "7series" | "ice40";
  lut: number;
  ff: number;
  bram36: number;
  uram: number;
  dsp: number;
  /** PL clock FINN builds use by default (iCE40: the board's oscillator). */
  defaultClockMHz: number;
  /**
   * iCE40 boards only: the device for nextpnr and its memories. `bram36` is then half the EBR
   * count, so the folding search's block-RAM budget (bram18 = bram36 × 2) counts EBRs.
   */
  ice40?: Ice40Part;
  /** Share of each resource the folding search may use when none is given (default 0.7). */
  defaultUtilisation?: number;
}

const zynq7020 = {
  part: "xc7z020clg400-1",
  family: "7series",
  lut: 53200,
  ff: 106400,
  bram36: 140,
  uram: 0,
  dsp: 220,
} as const;

export const BOARDS: readonly Board[] = [
  {
    name: "zcu104",
    displayName: "ZCU104",
    part: "xczu7ev-ffvc1156-2-e",
    family: "ultrascale+",
    lut: 230400,
    ff: 460800,
    bram36: 312,
    uram: 96,
    dsp: 1728,
    defaultClockMHz: 100,
  },
  {
    name: "zcu102",
    displayName: "ZCU102",
    part: "xczu9eg-ffvb1156-2-e",
    family: "ultrascale+",
    lut: 274080,
    ff: 548160,
    bram36: 912,
    uram: 0,
    dsp: 2520,
    defaultClockMHz: 100,
  },
  {
    name: "ultra96",
    displayName: "Ultra96-V2",
    part: "xczu3eg-sbva484-1-i",
    family: "ultrascale+",
    lut: 70560,
    ff: 141120,
    bram36: 216,
    uram: 0,
    dsp: 360,
    defaultClockMHz: 100,
  },
  { name: "pynq-z1", displayName: "PYNQ-Z1", ...zynq7020, defaultClockMHz: 100 },
  { name: "pynq-z2", displayName: "PYNQ-Z2", ...zynq7020, defaultClockMHz: 100 },
  // Kria KV260: the K26 SOM's XCK26 (a ZU5EV-class Zynq UltraScale+; DS987), 2LV speed grade.
  {
    name: "kv260",
    displayName: "Kria KV260",
    part: "xck26-sfvc784-2LV-c",
    family: "ultrascale+",
    lut: 117120,
    ff: 234240,
    bram36: 144,
    uram: 64,
    dsp: 1248,
    defaultClockMHz: 100,
  },
  ...ICE40_BOARDS,
];

const ALIASES: Record<string, string> = {
  "ultra96-v2": "ultra96",
  ultra96v2: "ultra96",
  "ice40-hx8k": "hx8k-breakout",
  hx8k: "hx8k-breakout",
};

export class BoardError extends LoomError {
  override name = "BoardError";
  constructor(message: string) {
    super("board", message);
  }
}

/**
 * The DSP slice of the board's family (its multiplier widths decide DSP packing). On
 * UltraScale+ packed products go to instantiated DSP48E2s with their pipeline registers inside,
 * unless `primitive` is false (then synthesis infers them from multiplications).
 */
export function dspPortsOf(board: Board, primitive = true): DspPorts {
  if (board.family !== "ultrascale+") return DSP48E1;
  return primitive ? DSP48E2 : DSP48E2_INFERRED;
}

/**
 * How the resource estimate models the board. iCE40: 4 Kib EBRs, no LUT RAM, LUT4 logic and
 * Yosys's SB_MAC16 rule (`synth_ice40 -dsp` maps a multiply to one SB_MAC16 when both operands,
 * as multiplied, have at least 2 bits and the product at least 11), calibrated against `synth_ice40`
 * (bench/calibrate-ice40.ts, docs/resource-estimates.md).
 */
export function estimateOptionsFor(board: Board): EstimateOptions {
  return board.ice40 ? ICE40_ESTIMATE : {};
}

/** `synth_ice40 -dsp` maps a product to an SB_MAC16 only from this many result bits (mul2dsp's DSP_Y_MINWIDTH). */
export const ICE40_DSP_MIN_PRODUCT_BITS = 11;

const ICE40_ESTIMATE: EstimateOptions = {
  blockRamShapes: ICE40_EBR_SHAPES,
  blockRamAsYosys: true,
  lutMemoryDepth: 8,
  lutRam: false,
  dspMinBits: 2,
  dspMinProductBits: ICE40_DSP_MIN_PRODUCT_BITS,
  dspOnMultiplyBits: true,
  adderRowProducts: true,
  controlLut: 370,
  logicLutScale: 1,
};

/** Looks a board up by name (case-insensitive; "Ultra96-V2" also works). */
export function getBoard(name: string): Board {
  const key = name.trim().toLowerCase();
  const board = BOARDS.find((b) => b.name === (ALIASES[key] ?? key));
  if (!board) {
    throw new BoardError(`unknown board "${name}": known boards are ${BOARDS.map((b) => b.name).join(", ")}`);
  }
  return board;
}
