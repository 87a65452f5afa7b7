// Runtime-writable weights (`loom gen --weights runtime`) at the accelerator's top level: one
// AXI4-Stream weight input per MVAU layer, its word layout, and the bytes a host sends into it.
//
// A layer's weight memory is NF·SF lines (address nf·SF + sf), one per load beat of the MVAU's
// `weights` port, PE p's SIMD weights at bits [(p+1)·SIMD·W − 1 : p·SIMD·W] and SIMD element i
// of a PE at bits [(i+1)·W − 1 : i·W] within it (lib/mvau/layout.ts, the ROMs' own images).
// This is the line FINN's decoupled mode streams (its `decoupled_runtime` weight file packs PE
// and SIMD reversed, so PE 0 / element 0 sit in the low bits). Each line is padded with zeros to
// a power of two of at least 32 bits, as FINN pads a memory line to whole 32-bit AXI-Lite words,
// and sent least significant byte first — so a layer's byte stream, read as 32-bit
// little-endian words, is the word list of FINN's `.dat` file for the same layer and folding.
// The port carries the line in beats of at most WEIGHT_BEAT_MAX_BITS, low bits first; a width
// converter in the accelerator gathers them back into lines.
import { paddedLineBits, WEIGHT_BEAT_MAX_BITS, weightWords } from "../lib/mvau/layout.js";
import { checkWeights } from "../lib/mvau/params.js";
import { bytesToWord, wordToBytes } from "./driver/pack.js";
import type { AcceleratorPlan, LayerPlan } from "./plan.js";

export { WEIGHT_BEAT_MAX_BITS };

/** One layer's weight stream, as the hardware, the files and the drivers see it. */
export interface WeightStream {
  /** Index of the layer in the plan. */
  layer: number;
  /** `layer<i>_<name>`: the MVAU instance, the weight file and (with `wdma_`) the DMA cell. */
  name: string;
  /** The top-level AXI4-Stream port (`s_axis_w_<name>`). */
  port: string;
  /** Bits of one memory line: PE × SIMD × weight bits. */
  lineBits: number;
  /** A line padded to a power of two ≥ 32 bits (FINN's padding to whole 32-bit words). */
  paddedLineBits: number;
  /** Lines per load: NF·SF. */
  lines: number;
  /** tdata width of the port (a power of two, 32 … WEIGHT_BEAT_MAX_BITS). */
  beatBits: number;
  /** Beats per line: paddedLineBits / beatBits. */
  beatsPerLine: number;
  /** Bytes of one full load (the weight file's length). */
  bytes: number;
}

/** Instance name of a layer's MVAU in the accelerator (also the weight stream's name). */
export function layerInstanceName(index: number, layer: LayerPlan): string {
  return `layer${index}_${layer.mvau.name ?? "mvau"}`;
}

/** The weight streams of a plan: one per layer built with runtime-writable weights. */
export function weightStreams(plan: AcceleratorPlan): WeightStream[] {
  return plan.layers.flatMap((layer, i) => {
    const load = layer.shape.weightLoad;
    if (!load) return [];
    const name = layerInstanceName(i, layer);
    const padded = paddedLineBits(load.width);
    const beatBits = Math.min(padded, WEIGHT_BEAT_MAX_BITS);
    return [
      {
        layer: i,
        name,
        port: `s_axis_w_${name}`,
        lineBits: load.width,
        paddedLineBits: padded,
        lines: load.beats,
        beatBits,
        beatsPerLine: padded / beatBits,
        bytes: (load.beats * padded) / 8,
      },
    ];
  });
}

/** The memory lines of a layer in load order (address nf·SF + sf), PE 0's word lowest. */
export function weightLines(layer: LayerPlan): bigint[] {
  const p = layer.mvau;
  const perPe = weightWords(checkWeights(p), p.simd, p.pe, p.weightType);
  const wordBits = BigInt(p.simd * p.weightType.bits);
  return perPe[0]!.map((_, addr) =>
    perPe.reduceRight((line, words) => (line << wordBits) | words[addr]!, 0n),
  );
}

/** The bytes a host sends into a layer's weight stream for one full load (the weight file). */
export function weightStreamBytes(plan: AcceleratorPlan, s: WeightStream): Uint8Array {
  const out = new Uint8Array(s.bytes);
  const lineBytes = s.paddedLineBits / 8;
  weightLines(plan.layers[s.layer]!).forEach((line, k) => wordToBytes(line, lineBytes, out, k * lineBytes));
  return out;
}

/** The port's beats (tdata values) for a byte stream: `beatBits / 8` bytes each, little-endian. */
export function weightStreamBeats(s: WeightStream, bytes: Uint8Array): bigint[] {
  const per = s.beatBits / 8;
  if (bytes.length % per !== 0)
    throw new Error(`${s.name}: ${bytes.length} weight bytes are not whole ${s.beatBits}-bit beats`);
  return Array.from({ length: bytes.length / per }, (_, b) => bytesToWord(bytes, b * per, per));
}
