// The padding unit (FINN's FMPadding): an NHWC image streams in, the same image with rows and
// columns of a constant code around it streams out, top, bottom, left and right set
// independently (TensorFlow's "same" at stride 2 pads one more at the bottom and right). The
// code is the one that represents 0.0 in the stream's datatype: a parameter, since with a
// zero-point or an output bias it need not be 0.
//
// Counters walk the padded image (y, x, channel fold) one output beat at a time; inside the
// original image the beat is the input beat, elsewhere the constant. A skid buffer registers
// the result, so neither `valid`/`data` nor `ready` passes through combinationally.

import { allows, type DataType, dataTypeName } from "../../core/datatypes.js";
import type { Padding2d } from "../../core/window.js";
import {
  connect,
  defineModule,
  ElaborationError,
  input,
  instance,
  lit,
  mux,
  named,
  output,
  ports,
  type Signal,
  Stream,
  UInt,
  type Value,
} from "../../dsl/index.js";
import { counter, step } from "../counters.js";
import { packElements } from "../mvau/layout.js";
import { SkidBuffer } from "../stream/skid-buffer.js";
import type { StreamEnd } from "../stream/stream-types.js";

export interface PaddingParams {
  name?: string;
  /** The unpadded image. */
  height: number;
  width: number;
  channels: number;
  /** Channels per beat; divides `channels`. */
  simd: number;
  dataType: DataType;
  padding: Padding2d;
  /** The code inserted (the one that represents 0.0). */
  padValue: bigint;
}

export interface PaddingShape {
  outHeight: number;
  outWidth: number;
  cf: number;
  beatWidth: number;
  inBeats: number;
  outBeats: number;
}

export function paddingShape(p: PaddingParams): PaddingShape {
  const { top, bottom, left, right } = p.padding;
  for (const [what, v] of Object.entries({
    height: p.height,
    width: p.width,
    channels: p.channels,
    simd: p.simd,
  }))
    if (!Number.isInteger(v) || v < 1)
      throw new ElaborationError(`padding: ${what} must be an integer ≥ 1, got ${v}`);
  for (const [what, v] of Object.entries({ top, bottom, left, right }))
    if (!Number.isInteger(v) || v < 0)
      throw new ElaborationError(`padding: ${what} must be an integer ≥ 0, got ${v}`);
  if (p.channels % p.simd !== 0)
    throw new ElaborationError(`padding: SIMD ${p.simd} does not divide ${p.channels} channels`);
  if (!allows(p.dataType, p.padValue))
    throw new ElaborationError(
      `padding: the pad code ${p.padValue} is not a ${dataTypeName(p.dataType)} value`,
    );
  const cf = p.channels / p.simd;
  const outHeight = p.height + top + bottom;
  const outWidth = p.width + left + right;
  return {
    outHeight,
    outWidth,
    cf,
    beatWidth: p.simd * p.dataType.bits,
    inBeats: p.height * p.width * cf,
    outBeats: outHeight * outWidth * cf,
  };
}

function moduleName(p: PaddingParams): string {
  const { top, bottom, left, right } = p.padding;
  return `${p.name ?? "Padding"}_${p.height}x${p.width}x${p.channels}_t${top}b${bottom}l${left}r${right}_simd${p.simd}_${dataTypeName(p.dataType)}`;
}

export const Padding = defineModule(moduleName, (p: PaddingParams) => {
  const s = paddingShape(p);
  const io = ports({ in: input(Stream(UInt(s.beatWidth))), out: output(Stream(UInt(s.beatWidth))) });
  const fold = counter("fold", s.cf - 1);
  const x = counter("x", s.outWidth - 1);
  const y = counter("y", s.outHeight - 1);
  const { top, left } = p.padding;
  // lo ≤ v < lo + n; comparisons the counter's range decides fold to constants.
  const within = (v: Signal, lo: number, n: number) => v.ge(lo).and(v.lt(lo + n));
  const inside = named("inImage", within(y, top, p.height).and(within(x, left, p.width)));
  const padBeat = lit(packElements(Array(p.simd).fill(p.padValue), p.dataType), UInt(s.beatWidth));

  const slice = instance("outputSlice", SkidBuffer, { type: UInt(s.beatWidth) }) as {
    in: StreamEnd<Signal>;
    out: StreamEnd<Signal>;
  };
  const offered = mux(inside, io.in.valid, lit(1, UInt(1)));
  slice.in.valid.set(offered);
  slice.in.data.set(mux(inside, io.in.data, padBeat));
  io.in.ready.set(inside.and(slice.in.ready));
  const sent = named("sent", offered.and(slice.in.ready));
  const foldEnd = fold.eq(s.cf - 1);
  const rowEnd = foldEnd.and(x.eq(s.outWidth - 1));
  step(fold, s.cf - 1, sent);
  step(x, s.outWidth - 1, sent.and(foldEnd));
  step(y, s.outHeight - 1, sent.and(rowEnd));
  connect(io.out, slice.out as unknown as Value);
  return io;
});
