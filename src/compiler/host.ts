// Host side of the accelerator's streams: input vectors packed into s_axis beats, and output
// beats unpacked into class indices and scores. Element i of a beat sits at bits
// [(i+1)·W−1 : i·W], as FINN packs them.
import { type DataType, decode, encode } from "../nn/datatypes.js";
import type { AcceleratorPlan } from "./plan.js";

/** Packs one input vector into beats of `perBeat` elements. */
export function packVector(values: readonly bigint[], dt: DataType, perBeat: number): bigint[] {
  if (values.length % perBeat !== 0)
    throw new Error(`vector of ${values.length} elements is not a multiple of ${perBeat}`);
  const beats: bigint[] = [];
  for (let b = 0; b < values.length / perBeat; b++) {
    let word = 0n;
    for (let i = 0; i < perBeat; i++) word |= encode(dt, values[b * perBeat + i]!) << BigInt(i * dt.bits);
    beats.push(word);
  }
  return beats;
}

/** Unpacks beats of `perBeat` elements into values. */
export function unpackBeats(beats: readonly bigint[], dt: DataType, perBeat: number): bigint[] {
  const mask = (1n << BigInt(dt.bits)) - 1n;
  return beats.flatMap((w) =>
    Array.from({ length: perBeat }, (_, i) => decode(dt, (w >> BigInt(i * dt.bits)) & mask)),
  );
}

/** Input beats for a batch of images. */
export function inputBeats(plan: AcceleratorPlan, inputs: readonly (readonly bigint[])[]): bigint[] {
  return inputs.flatMap((x) => {
    if (x.length !== plan.inputLength) {
      throw new Error(`an input vector has ${x.length} values; the model takes ${plan.inputLength}`);
    }
    return packVector(x, plan.inputType, plan.inputPerBeat);
  });
}

/** Score vectors from the raw-score stream (the last layer's output beats). */
export function scoresFromBeats(plan: AcceleratorPlan, beats: readonly bigint[]): bigint[][] {
  const last = plan.layers[plan.layers.length - 1]!;
  const values = unpackBeats(beats, last.shape.outType, last.folding.pe);
  const mh = last.mvau.mh;
  return Array.from({ length: values.length / mh }, (_, v) => values.slice(v * mh, (v + 1) * mh));
}

/** A beat's tdata as bytes, low byte first (`bits` is a whole number of bytes). */
export function beatBytes(beat: bigint, bits: number): number[] {
  return Array.from({ length: bits / 8 }, (_, i) => Number((beat >> BigInt(8 * i)) & 0xffn));
}

/** Bytes (low byte first) back into beats of `bits`; a trailing partial beat is left out. */
export function bytesToBeats(bytes: readonly number[], bits: number): bigint[] {
  const n = bits / 8;
  return Array.from({ length: Math.floor(bytes.length / n) }, (_, b) =>
    bytes.slice(b * n, (b + 1) * n).reduce((w, byte, i) => w | (BigInt(byte) << BigInt(8 * i)), 0n),
  );
}
