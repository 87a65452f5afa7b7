// Host side of the accelerator's streams: input vectors packed into s_axis beats, and output
// beats unpacked into class indices and scores. Element i of a beat sits at bits
// [(i+1)·W−1 : i·W], as FINN packs them. `hostInterface` is the one description of the
// accelerator's input and output format that host drivers are written from.

import { type DataType, dataTypeName, decode, encode } from "../core/datatypes.js";
import { argmaxIndexWidth } from "../lib/labelselect/argmax.js";
import type { Model } from "../model/model-format.js";
import type { HostInput, HostOutput, HostSpec } from "../onnx/host.js";
import { canonicalOp } from "../onnx/op-names.js";
import { acceleratorIo } from "./accelerator.js";
import { type AcceleratorPlan, scoreBeatsPerImage } from "./plan.js";
import { inputBeatsPerImage, type SystemIo } from "./system.js";

/** One AXI4-Stream of the accelerator: what a beat carries and how a vector is cut into beats. */
export interface StreamFormat {
  /** Top-level port. */
  port: "s_axis" | "m_axis" | "m_axis_scores";
  /** Element datatype (Loom/FINN name: INT8, UINT4, BIPOLAR = bit 1 for +1, 0 for −1, ...). */
  datatype: string;
  /** Bits per element (W). */
  bits: number;
  /** Elements per inference. */
  length: number;
  /** Elements per beat; element i of a beat sits at bits [(i+1)·W−1 : i·W]. */
  elementsPerBeat: number;
  /** Beats per inference (length / elementsPerBeat). */
  beatsPerImage: number;
  /** tdata width in bits (elementsPerBeat · W, padded to whole bytes). */
  tdataBits: number;
  /** With the system wrapper: bytes per DMA word (its tdata width / 8, a power of two). */
  dmaBytes?: number;
}

/** The host's float work around the streams; an imported graph's HostSpec is one. */
export interface HostSides {
  input?: HostInput;
  output?: HostOutput;
}

/**
 * Everything a host driver needs around a compiled accelerator, as plain JSON: the stream
 * formats and the float work the host does before and after them (src/onnx/host.ts: the head's
 * float ops and input quantizer; the output scale and tail).
 */
export interface HostInterface {
  input: StreamFormat & {
    /** Float input → the integer codes streamed in (run `steps`, then code = (v − offset)/step). */
    quantizer?: HostInput;
  };
  /** The class index stream (when the accelerator computes the arg-max) or the score stream. */
  output: StreamFormat & { kind: "class-index" | "scores" };
  /** The raw score stream next to the class index, when built with scores. */
  scores?: StreamFormat;
  /** Scores (or codes) → what the model returns (scale, offset, then the tail ops). */
  dequantizer?: HostOutput;
}

/** The datatype of an arg-max index of `bits` bits. */
function indexType(bits: number): DataType {
  return bits === 1 ? { kind: "BINARY", bits: 1 } : { kind: "UINT", bits };
}

function streamFormat(
  port: StreamFormat["port"],
  dt: DataType,
  length: number,
  elementsPerBeat: number,
  beatsPerImage: number,
  tdataBits: number,
  dmaBits: number | undefined,
): StreamFormat {
  return {
    port,
    datatype: dataTypeName(dt),
    bits: dt.bits,
    length,
    elementsPerBeat,
    beatsPerImage,
    tdataBits,
    ...(dmaBits !== undefined ? { dmaBytes: dmaBits / 8 } : {}),
  };
}

/**
 * The one description of the accelerator's host I/O. `host`: the float work (an imported
 * graph's HostSpec, or `modelHostSides(model)`); `system`: the DMA wrapper's stream widths, which
 * add each stream's DMA word size (the scores stream is not on the DMA).
 */
export function hostInterface(plan: AcceleratorPlan, host?: HostSides, system?: SystemIo): HostInterface {
  const io = acceleratorIo(plan);
  const last = plan.layers[plan.layers.length - 1]!;
  const scoreStream = (port: StreamFormat["port"], tdataBits: number, dmaBits?: number) =>
    streamFormat(
      port,
      last.shape.outType,
      plan.outputLength,
      last.folding.pe,
      scoreBeatsPerImage(plan),
      tdataBits,
      dmaBits,
    );
  const input = {
    ...streamFormat(
      "s_axis",
      plan.inputType,
      plan.inputLength,
      plan.inputPerBeat,
      inputBeatsPerImage(plan),
      io.inputBits,
      system?.inBits,
    ),
    ...(host?.input ? { quantizer: host.input } : {}),
  };
  const output = plan.argmax
    ? {
        ...streamFormat(
          "m_axis",
          indexType(argmaxIndexWidth(plan.argmax)),
          1,
          1,
          1,
          io.outputBits,
          system?.outBits,
        ),
        kind: "class-index" as const,
      }
    : { ...scoreStream("m_axis", io.outputBits, system?.outBits), kind: "scores" as const };
  return {
    input,
    output,
    ...(io.scoresBits ? { scores: scoreStream("m_axis_scores", io.scoresBits) } : {}),
    ...(host?.output ? { dequantizer: host.output } : {}),
  };
}

/** Host steps under their canonical op names (IntQuant → Quant, DebugMarker → PassThrough, …). */
function canonicalSteps(input: HostInput): HostInput {
  return { ...input, steps: input.steps.map((s) => ({ ...s, opType: canonicalOp(s.opType) ?? s.opType })) };
}

/**
 * The host's float work of a model: an imported graph's (meta.onnxHost), or what a Loom model
 * declares — its input scale and zero point, and the scale of a last layer with no activation.
 * Host ops go by their canonical names, so a driver implements each op once.
 */
export function modelHostSides(model: Model): HostSides {
  const spec = model.meta?.onnxHost as HostSpec | undefined;
  if (spec) return { input: canonicalSteps(spec.input), output: spec.output };
  return { input: declaredInput(model), output: declaredOutput(model) };
}

function declaredInput(model: Model): HostInput | undefined {
  const { scale, zeroPoint = 0, datatype, shape } = model.input;
  if (scale === undefined) return undefined;
  const signed = datatype.startsWith("INT");
  const bits = Number(datatype.replace(/\D/g, "")) || 1;
  return {
    shape,
    steps: [],
    step: [scale],
    offset: [-zeroPoint * scale],
    min: signed ? -(2 ** (bits - 1)) : 0,
    max: signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1,
    bipolar: datatype === "BIPOLAR",
    mode: "scale",
  };
}

function declaredOutput(model: Model): HostOutput | undefined {
  const act = model.layers[model.layers.length - 1]!.activation;
  if (act.kind !== "none") return undefined;
  return { scale: Array.isArray(act.scale) ? act.scale : [act.scale], offset: [0], from: "none", tail: [] };
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

/**
 * Per image, the values of the raw-score stream (the last layer's output beats): its scores, or
 * a conv layer's whole output feature map, NHWC.
 */
export function scoresFromBeats(plan: AcceleratorPlan, beats: readonly bigint[]): bigint[][] {
  const last = plan.layers[plan.layers.length - 1]!;
  const values = unpackBeats(beats, last.shape.outType, last.folding.pe);
  const n = plan.outputLength;
  return Array.from({ length: values.length / n }, (_, v) => values.slice(v * n, (v + 1) * n));
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
