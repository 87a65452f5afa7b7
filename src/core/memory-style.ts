// Where every memory of a generated accelerator lives: the one policy the hardware generators
// (weight ROMs, threshold tables, the MVAU input buffer, stream FIFOs) and the resource estimate
// both call, so the estimate costs exactly the storage the hardware asks synthesis for.
//
// A request names what the memory is for (`use`), its shape, and an optional user choice; the
// answer is a style plus whether the generator pins it with a `rom_style`/`ram_style` attribute
// or leaves it to synthesis. Extension points, deliberately in this one place: a per-layer
// override is a `choice`; runtime-writable weights are a `table` marked `writable`, built as a
// RAM that a load port fills instead of a ROM, and only they may live in UltraRAM.

/** Registers (flip-flops), LUT RAM/ROM, block RAM (RAMB18/36) or UltraRAM (URAM288). */
export type MemoryStyle = "registers" | "distributed" | "block" | "ultra";

/** One UltraScale+ URAM288: 4096 words of 72 bits, with no initial contents from the bitstream. */
export const URAM_DEPTH = 4096;
export const URAM_WIDTH = 72;

/**
 * What a memory holds and how it is accessed:
 * - `table`: contents fixed at elaboration, read synchronously (weight ROMs, threshold ROMs,
 *   binary-search tables);
 * - `buffer`: written and replayed by its block (the MVAU input buffer's two banks);
 * - `fifo`: a stream FIFO.
 */
export type MemoryUse = "table" | "buffer" | "fifo";

export interface MemoryRequest {
  use: MemoryUse;
  /** Words and bits per word. */
  depth: number;
  width: number;
  /** The user's choice; `auto` or absent lets the policy decide. */
  choice?: MemoryStyle | "auto";
  /**
   * A `table` whose contents the host writes at run time (a weight-load port) instead of the
   * bitstream: built as a RAM without initial contents, and the only memory UltraRAM may hold.
   */
  writable?: boolean;
}

/**
 * What the part offers the memories synthesis places itself (the unpinned ones). Xilinx parts
 * have LUT RAM; iCE40 has none, and Yosys would spend a whole 4 Kib EBR on, say, a 128 × 2
 * input buffer, of which a UP5K has only 30.
 */
export interface MemoryTarget {
  /** False on parts without LUT RAM (iCE40): see `withoutLutRam`. */
  lutRam: boolean;
}

/** On a part without LUT RAM, an unpinned memory of at most this many bits is built from logic. */
export const LOGIC_MEMORY_MAX_BITS = 1024;

/**
 * Where an unpinned memory goes on a part without LUT RAM: logic up to LOGIC_MEMORY_MAX_BITS
 * (the iCE40 flow pins it so, `forIce40`), block RAM above (where Yosys puts it: a 16 × 196
 * input buffer took 13 EBRs, docs/performance.md).
 */
export function withoutLutRam(bits: number): MemoryStyle {
  return bits <= LOGIC_MEMORY_MAX_BITS ? "distributed" : "block";
}

export interface MemoryPlacement {
  style: MemoryStyle;
  /** True: the generator asks for `style` explicitly. False: synthesis chooses (`style` is the
   * estimate's assumption, what Yosys and Vivado pick for such a small memory). */
  pinned: boolean;
}

/** Block RAM pays off only this deep: a shallower memory wastes most of a RAMB18's depth. */
const BLOCK_MIN_DEPTH = 64;
/** Smallest table for block RAM: below it, LUT ROM (64 bits per LUT6) is cheaper. */
const TABLE_BLOCK_MIN_BITS = 8192;
/** Smallest FIFO for block RAM: a RAMB18 then replaces ≥ 64 LUTs of LUT RAM plus pointers. */
const FIFO_BLOCK_MIN_BITS = 4096;
/** Up to this depth a FIFO is plain registers: cheaper than RAM plus pointers. */
const FIFO_REGISTERS_MAX_DEPTH = 2;
/** From this size a buffer that is not block RAM is pinned to LUT RAM (a wide, shallow buffer
 * would otherwise take one BRAM18 per 36 bits of width for a few words). */
const BUFFER_PIN_MIN_BITS = 4096;

/**
 * Why a requested style cannot hold this memory, or undefined when it can. UltraRAM has no
 * initial contents from the bitstream, so only a runtime-writable table may ask for it; `auto`
 * never picks it (whether the part has UltraRAM is the folding's decision, per layer).
 */
export function placementProblem(req: MemoryRequest): string | undefined {
  if (req.choice !== "ultra") return undefined;
  if (req.use === "table" && req.writable) return undefined;
  return req.use === "table"
    ? "UltraRAM cannot be initialised from the bitstream: it needs runtime-writable weights (--weights runtime)"
    : `UltraRAM holds only runtime-writable weight tables, not a ${req.use}`;
}

/**
 * The style of one memory, for the generator that builds it and the estimate that costs it.
 * With a `target`, an unpinned memory gets the style synthesis gives it on that part.
 */
export function memoryPlacement(req: MemoryRequest, target?: MemoryTarget): MemoryPlacement {
  const placement = requestedPlacement(req);
  if (target && !target.lutRam && !placement.pinned)
    return { style: withoutLutRam(req.depth * req.width), pinned: false };
  return placement;
}

function requestedPlacement(req: MemoryRequest): MemoryPlacement {
  const { use, depth, width } = req;
  const problem = placementProblem(req);
  if (problem) throw new Error(problem);
  if (req.choice && req.choice !== "auto") return { style: req.choice, pinned: true };
  const bits = depth * width;
  switch (use) {
    case "table":
      return {
        style: depth >= BLOCK_MIN_DEPTH && bits >= TABLE_BLOCK_MIN_BITS ? "block" : "distributed",
        pinned: true,
      };
    case "buffer":
      if (depth >= BLOCK_MIN_DEPTH && bits >= TABLE_BLOCK_MIN_BITS) return { style: "block", pinned: true };
      return { style: "distributed", pinned: bits >= BUFFER_PIN_MIN_BITS };
    case "fifo":
      if (depth <= FIFO_REGISTERS_MAX_DEPTH) return { style: "registers", pinned: true };
      return {
        style: depth >= BLOCK_MIN_DEPTH && bits >= FIFO_BLOCK_MIN_BITS ? "block" : "distributed",
        pinned: true,
      };
  }
}

/** The style alone (for generators and reports that always pin it). */
export function memoryStyle(req: MemoryRequest): MemoryStyle {
  return memoryPlacement(req).style;
}
