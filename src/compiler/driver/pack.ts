// Reference packing of images into DMA buffers and back, in FINN's convention (FINN
// util/data_packing.py as its PYNQ driver calls it, reverse_inner=True and reverse_endian=True):
// element i of a beat sits at bits [(i+1)·W−1 : i·W] of the beat's integer, BIPOLAR stored as
// (x+1)/2, signed values in two's complement, and the integer is written least significant
// byte first. Loom's DMA words are a power of two bytes wide, so each beat is then zero-padded
// at its high end to `beatBytes`. The Python and C drivers implement the same; tests compare.
import { parseDataType } from "../../core/datatypes.js";
import { packVector, unpackBeats } from "../host.js";
import type { StreamFormat } from "./io-format.js";

/** Integer → `bytes` little-endian bytes (the value must fit). */
export function wordToBytes(word: bigint, bytes: number, into: Uint8Array, at: number): void {
  let w = word;
  for (let i = 0; i < bytes; i++) {
    into[at + i] = Number(w & 0xffn);
    w >>= 8n;
  }
  if (w !== 0n) throw new Error(`a beat does not fit ${bytes} bytes`);
}

export function bytesToWord(from: Uint8Array, at: number, bytes: number): bigint {
  let w = 0n;
  for (let i = bytes - 1; i >= 0; i--) w = (w << 8n) | BigInt(from[at + i]!);
  return w;
}

/** Bytes one image takes in a DMA buffer. */
export function imageBytes(f: StreamFormat): number {
  return f.beatsPerImage * f.beatBytes;
}

/** Images (element values, e.g. integer codes) → the DMA buffer the hardware reads. */
export function packImages(f: StreamFormat, images: readonly (readonly bigint[])[]): Uint8Array {
  const dt = parseDataType(f.datatype);
  const out = new Uint8Array(images.length * imageBytes(f));
  images.forEach((image, n) => {
    if (image.length !== f.elemsPerBeat * f.beatsPerImage)
      throw new Error(`image ${n} has ${image.length} values, expected ${f.elemsPerBeat * f.beatsPerImage}`);
    packVector(image, dt, f.elemsPerBeat).forEach((word, b) => {
      wordToBytes(word, f.beatBytes, out, n * imageBytes(f) + b * f.beatBytes);
    });
  });
  return out;
}

/** A DMA buffer the hardware wrote → element values per image. */
export function unpackImages(f: StreamFormat, buffer: Uint8Array, count: number): bigint[][] {
  const dt = parseDataType(f.datatype);
  if (buffer.length < count * imageBytes(f))
    throw new Error(`buffer of ${buffer.length} bytes holds fewer than ${count} images`);
  return Array.from({ length: count }, (_, n) => {
    const words = Array.from({ length: f.beatsPerImage }, (_, b) =>
      bytesToWord(buffer, n * imageBytes(f) + b * f.beatBytes, f.beatBytes),
    );
    return unpackBeats(words, dt, f.elemsPerBeat);
  });
}

/** Beat integers of a buffer (what the DMA moves over the stream), for simulation. */
export function bufferBeats(f: StreamFormat, buffer: Uint8Array): bigint[] {
  return Array.from({ length: buffer.length / f.beatBytes }, (_, b) =>
    bytesToWord(buffer, b * f.beatBytes, f.beatBytes),
  );
}

/** The buffer the DMA writes from the stream's beats. */
export function beatsBuffer(f: StreamFormat, beats: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(beats.length * f.beatBytes);
  beats.forEach((w, b) => wordToBytes(w, f.beatBytes, out, b * f.beatBytes));
  return out;
}
