// Host side of the accelerator's streams: input vectors packed into s_axis beats, and output
// beats unpacked into class indices and scores. Element i of a beat sits at bits
// [(i+1)·W−1 : i·W], as FINN packs them. `hostInterface` is the one description of the
// accelerator's input and output format that host drivers are written from.

import { argmaxIndexWidth } from "../lib/labelselect/argmax.js";
import { type DataType, dataTypeName, decode, encode } from "../nn/datatypes.js";
import type { HostInput, HostOutput, HostSpec } from "../onnx/host.js";
import { acceleratorIo } from "./accelerator.js";
import type { AcceleratorPlan } from "./plan.js";

/** One AXI4-Stream of the accelerator: what a beat carries and how a vector is cut into beats. */
export interface StreamFormat {
  /** Top-level port. */
  port: "s_axis" | "m_axis" | "m_axis_scores";
  /** Element datatype (Loom/FINN name: INT8, UINT4, BIPOLAR = bit 1 for +1, 0 for −1, ...). */
  datatype: string;
  /** Elements per inference. */
  length: number;
  /** Elements per beat; element i of a beat sits at bits [(i+1)·W−1 : i·W]. */
  elementsPerBeat: number;
  /** tdata width in bits (elementsPerBeat · W, padded to whole bytes). */
  tdataBits: number;
}

/**
 * Everything a host driver needs around a compiled accelerator, as plain JSON: the stream
 * formats and, for imported ONNX graphs, the float work the host does before and after them
 * (src/onnx/host.ts: the head's float ops and input quantizer; the output scale and tail).
 */
export interface HostInterface {
  input: StreamFormat & {
    /** ONNX graphs: float input → the integer codes streamed in (run `steps`, then code = (v − offset)/step). */
    quantizer?: HostInput;
  };
  /** The class index stream (when the accelerator computes the arg-max) or the score stream. */
  output: StreamFormat & { kind: "class-index" | "scores" };
  /** The raw score stream next to the class index, when built with scores. */
  scores?: StreamFormat;
  /** ONNX graphs: scores (or codes) → what the graph returns (scale, offset, then the tail ops). */
  dequantizer?: HostOutput;
}

export function hostInterface(plan: AcceleratorPlan, host?: HostSpec): HostInterface {
  const io = acceleratorIo(plan);
  const last = plan.layers[plan.layers.length - 1]!;
  const scoreStream = (port: StreamFormat["port"], tdataBits: number): StreamFormat => ({
    port,
    datatype: dataTypeName(last.shape.outType),
    length: last.mvau.mh,
    elementsPerBeat: last.folding.pe,
    tdataBits,
  });
  const input = {
    port: "s_axis" as const,
    datatype: dataTypeName(plan.inputType),
    length: plan.inputLength,
    elementsPerBeat: plan.inputPerBeat,
    tdataBits: io.inputBits,
    ...(host ? { quantizer: host.input } : {}),
  };
  const output = plan.argmax
    ? {
        port: "m_axis" as const,
        kind: "class-index" as const,
        datatype: `UINT${argmaxIndexWidth(plan.argmax)}`,
        length: 1,
        elementsPerBeat: 1,
        tdataBits: io.outputBits,
      }
    : { ...scoreStream("m_axis", io.outputBits), kind: "scores" as const };
  return {
    input,
    output,
    ...(io.scoresBits ? { scores: scoreStream("m_axis_scores", io.scoresBits) } : {}),
    ...(host ? { dequantizer: host.output } : {}),
  };
}

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
