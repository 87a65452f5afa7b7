// Did each layer's weight memory land where the generator asked? The MVAU marks every
// weight ROM with a `rom_style` attribute (runtime-writable weights: each RAM with `ram_style`);
// Yosys's per-layer cell counts show whether block RAM was inferred for the ones marked
// "block" (or "ultra").
import { memoryStyle } from "../core/memory-style.js";
import type { CellCounts } from "./yosys.js";

/**
 * Tables marked `(* rom_style = "block" *)` and `"distributed"` in one MVAU module's text; its
 * RAMs (`ram_style`) are runtime-writable weights and count alike, UltraRAM as block.
 */
export function romStyles(verilog: string): { block: number; distributed: number } {
  const count = (style: string) =>
    (verilog.match(new RegExp(`r[oa]m_style\\s*=\\s*"${style}"`, "g")) ?? []).length;
  return { block: count("block") + count("ultra"), distributed: count("distributed") };
}

/**
 * The modules of the weight memories an MVAU module instantiates (`weights_<pe>`, mvau.ts), read
 * from its Verilog: by instance, not by module name, which the emitter may have made unique.
 */
export function weightMemoryModules(mvauVerilog: string): string[] {
  return [...mvauVerilog.matchAll(/^\s*(\w+)\s+weights_\d+\s*\(/gm)].map((m) => m[1]!);
}

export interface WeightPlacement {
  /** ROMs the Verilog asks to be block RAM / distributed RAM (instances counted). */
  blockRoms: number;
  distributedRoms: number;
  /** Block RAM primitives Yosys inferred in the layer, in BRAM18 units (BRAM36 = 2, URAM = 8). */
  bram18Equivalent: number;
  /** Bits of weights per PE memory, and in all. */
  bitsPerPe: number;
  /** Empty when the placement is as intended. */
  problem?: string;
}

export function checkWeightPlacement(
  layer: string,
  roms: { block: number; distributed: number },
  perPe: { depth: number; width: number },
  cells: Pick<CellCounts, "bram18" | "bram36" | "uram">,
): WeightPlacement {
  const bram18Equivalent = cells.bram18 + 2 * cells.bram36 + 8 * cells.uram;
  const bitsPerPe = perPe.depth * perPe.width;
  const base = { blockRoms: roms.block, distributedRoms: roms.distributed, bram18Equivalent, bitsPerPe };
  if (roms.block > 0 && bram18Equivalent < roms.block) {
    return {
      ...base,
      problem: `${layer}: ${roms.block} weight ROMs marked block RAM but Yosys inferred only ${bram18Equivalent} BRAM18-equivalents: weights went to LUTs`,
    };
  }
  // The memory policy's own rule: what `auto` would put in block RAM.
  const large = memoryStyle({ use: "table", ...perPe }) === "block";
  if (large && roms.block === 0) {
    return {
      ...base,
      problem: `${layer}: weight memories of ${perPe.depth} × ${perPe.width} bits per PE are large but were built as distributed RAM`,
    };
  }
  return base;
}
