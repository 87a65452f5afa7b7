// The weight files of a runtime-weights build: driver/runtime_weights/<layer>.npy, one per
// weight stream, each a 1-D uint8 array holding the exact bytes the host's DMA sends into the
// layer's port (weight-stream.ts). FINN's PYNQ driver reads DMA-fed weights the same way: one
// .npy of packed uint8 bytes per weight DMA in `runtime_weights/`.
import type { Compiled } from "./generate.js";
import { type WeightStream, weightStreamBytes, weightStreams } from "./weight-stream.js";

/** Directory of the weight files, relative to driver/ (FINN's `runtime_weight_dir` default). */
export const WEIGHT_DIR = "runtime_weights";

/** A weight stream's file, relative to driver/. */
export function weightFileName(s: WeightStream): string {
  return `${WEIGHT_DIR}/${s.name}.npy`;
}

/**
 * A 1-D uint8 array in NumPy's .npy format, version 1.0: magic, version, a little-endian
 * 16-bit header length, and a Python-literal header padded with spaces (and a final newline)
 * so the data starts on a 64-byte boundary; then the bytes.
 */
export function npyUint8(data: Uint8Array): Uint8Array {
  const dict = `{'descr': '|u1', 'fortran_order': False, 'shape': (${data.length},), }`;
  const fixed = 10;
  const total = Math.ceil((fixed + dict.length + 1) / 64) * 64;
  const header = `${dict.padEnd(total - fixed - 1, " ")}\n`;
  const out = new Uint8Array(total + data.length);
  out.set([0x93, ...Buffer.from("NUMPY", "latin1"), 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(Buffer.from(header, "latin1"), fixed);
  out.set(data, total);
  return out;
}

/** The weight files by path under driver/ (none for a build with weights in the bitstream). */
export function weightFiles(c: Compiled): Map<string, Uint8Array> {
  return new Map(
    weightStreams(c.plan).map((s) => [weightFileName(s), npyUint8(weightStreamBytes(c.plan, s))]),
  );
}
