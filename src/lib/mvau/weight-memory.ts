// One PE's weight memory as a module of its own: a ROM holding the bitstream's words, or a RAM
// the weight-load stream writes (runtime weights). The read is synchronous (the word appears one
// cycle after `readEnable`), which block RAM needs and LUT ROM takes as its output register.
//
// Why a module per PE and not a memory inside the MVAU: FINN keeps each PE's weights in a memory
// block of its own too, and a timing or utilisation report then names the memory apart from the
// arithmetic. It also bounds what one synthesis run holds: `loom synth` can run each memory by
// itself (src/synth/split.ts), where eight 128 × 2,048-bit LUT ROMs plus the adder trees of one
// layer exceed the 4 GB of the WebAssembly Yosys.

import type { MemoryStyle } from "../../core/memory-style.js";
import { addressWidth, Bool, defineModule, input, output, ports, ram, rom, UInt } from "../../dsl/index.js";

export interface WeightRomParams {
  /** Module name: the MVAU's, then the PE (`weightMemoryName`). */
  name: string;
  width: number;
  style: MemoryStyle;
  /** The words in address order (layout.ts `weightWords`). */
  words: readonly bigint[];
}

export interface WeightRamParams {
  name: string;
  width: number;
  depth: number;
  style: MemoryStyle;
}

/** The module name of PE `pe`'s weight memory in the MVAU module `mvau`. */
export function weightMemoryName(mvau: string, pe: number): string {
  return `${mvau}_weights_${pe}`;
}

/**
 * True for a module `weightMemoryName` named, also after the emitter made a clashing name unique
 * with a `_<n>` suffix. (Which MVAU holds a memory is read from the MVAU's instances instead.)
 */
export function isWeightMemoryName(module: string): boolean {
  return /_weights_\d+(_\d+)?$/.test(module);
}

export const WeightRom = defineModule(
  (p: WeightRomParams) => p.name,
  (p: WeightRomParams) => {
    const io = ports({
      readAddr: input(UInt(addressWidth(p.words.length))),
      readEnable: input(Bool),
      readData: output(UInt(p.width)),
    });
    const words = rom("words", UInt(p.width), p.words, { style: p.style });
    io.readData.set(words.read(io.readAddr, io.readEnable));
    return io;
  },
);

export const WeightRam = defineModule(
  (p: WeightRamParams) => p.name,
  (p: WeightRamParams) => {
    const addr = UInt(addressWidth(p.depth));
    const io = ports({
      writeAddr: input(addr),
      writeData: input(UInt(p.width)),
      writeEnable: input(Bool),
      readAddr: input(addr),
      readEnable: input(Bool),
      readData: output(UInt(p.width)),
    });
    const words = ram("words", UInt(p.width), p.depth, { style: p.style });
    words.write(io.writeAddr, io.writeData, io.writeEnable);
    io.readData.set(words.read(io.readAddr, io.readEnable));
    return io;
  },
);
