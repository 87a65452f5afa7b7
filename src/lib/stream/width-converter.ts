// Stream width converter: any input width to any output width, the bit stream unchanged.
//
// Bits are LSB-first: the first input beat's bits are the least significant bits of the packed
// stream, as FINN packs element 0 in the low bits. A converter from I to O bits works in words
// of L = lcm(I, O) bits, as FINN's general converter does: k = L/I input beats are gathered
// into a word, which then leaves as m = L/O output beats. When O divides I (k = 1) there is no
// gathering stage; when I divides O (m = 1) no splitting stage.
//
// The gather stage shifts beats in from the top (earlier beats move towards bit 0), and the
// split stage shifts the word down by O bits per output beat, so neither needs a mux indexed
// by a counter and the output is a register. The word's last input beat goes straight into
// the output register, which keeps the rate at one input beat per cycle.
import {
  cat,
  connect,
  defineModule,
  ElaborationError,
  input,
  instance,
  lit,
  type ModuleDef,
  mux,
  output,
  ports,
  reg,
  type Signal,
  UInt,
  when,
} from "../../dsl/index.js";
import { type StreamEnd, type StreamPair, streamType, widthFor } from "./stream-types.js";

export interface WidthConverterParams {
  /** Input beat width in bits (≥ 1). */
  inWidth: number;
  /** Output beat width in bits (≥ 1). */
  outWidth: number;
  /**
   * Carry `last` (ports `in_last`, `out_last`): the output beat that ends the word completed
   * by an input beat with `last` set carries `last`. Frames must be a whole number of
   * lcm(inWidth, outWidth) bits, as they are when each frame is a whole image of the same shape.
   */
  last?: boolean;
  /**
   * Register the output (default true). False is allowed when the output is a whole number of
   * input beats (gathering only): the word's last input beat then passes straight through
   * beside the k − 1 gathered beats, which saves the O-bit output register (FINN's converter
   * works this way) at the price of a combinational path from input to output handshake.
   */
  registered?: boolean;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Bits in the converter's internal word: lcm(inWidth, outWidth). */
export function converterWordWidth(inWidth: number, outWidth: number): number {
  return (inWidth / gcd(inWidth, outWidth)) * outWidth;
}

/** Largest internal word accepted: it is a register, and wider ones mean a mistaken width. */
const MAX_WORD_BITS = 1 << 16;

function checkParams(p: WidthConverterParams): void {
  for (const [k, v] of [
    ["inWidth", p.inWidth],
    ["outWidth", p.outWidth],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new ElaborationError(`StreamWidthConverter ${k} must be an integer ≥ 1, got ${v}`);
  }
  if (p.registered === false && p.outWidth % p.inWidth !== 0) {
    throw new ElaborationError(
      `StreamWidthConverter from ${p.inWidth} to ${p.outWidth} bits needs its output register (registered: false only works when outWidth is a multiple of inWidth)`,
    );
  }
  const l = converterWordWidth(p.inWidth, p.outWidth);
  if (l > MAX_WORD_BITS) {
    throw new ElaborationError(
      `StreamWidthConverter from ${p.inWidth} to ${p.outWidth} bits needs a ${l}-bit word (their least common multiple), over the ${MAX_WORD_BITS}-bit limit; convert through an intermediate width that shares more factors`,
    );
  }
}

export const StreamWidthConverter: ModuleDef<WidthConverterParams, StreamPair<Signal>, void> = defineModule({
  name: (p: WidthConverterParams) =>
    `StreamWidthConverter_i${p.inWidth}_o${p.outWidth}${p.last ? "_last" : ""}${p.registered === false ? "_comb" : ""}`,
  validate: checkParams,
  body: (p: WidthConverterParams) => {
    const last = p.last ?? false;
    const I = p.inWidth;
    const O = p.outWidth;
    const L = converterWordWidth(I, O);
    const k = L / I;
    const m = L / O;
    const io: StreamPair<Signal> = ports({
      in: input(streamType(UInt(I), last)),
      out: output(streamType(UInt(O), last)),
    });

    if (p.registered === false) return gatherThrough(io, I, k);

    // Split stage: the output word register, shifted down by O bits per output beat.
    const word = reg("word", UInt(L), { init: 0 });
    const wordValid = reg("word_valid", UInt(1), { init: 0 });
    const wordLast = last ? reg("word_last", UInt(1), { init: 0 }) : undefined;
    const slice = m > 1 ? reg("slice", UInt(widthFor(m - 1)), { init: 0 }) : undefined;
    const lastSlice = slice ? slice.eq(m - 1).named("last_slice") : lit(1, UInt(1));
    const outFire = wordValid.and(io.out.ready).named("out_fire");
    const canLoad = wordValid.not().or(io.out.ready.and(lastSlice)).named("can_load");

    // Gather stage: k − 1 beats wait in `gather`; the k-th completes the word.
    const beat = k > 1 ? reg("beat", UInt(widthFor(k - 1)), { init: 0 }) : undefined;
    const gather = k > 1 ? reg("gather", UInt((k - 1) * I)) : undefined;
    const completes = beat ? beat.eq(k - 1).named("completes") : lit(1, UInt(1));
    const inReady = completes.not().or(canLoad);
    const inFire = io.in.valid.and(inReady).named("in_fire");
    const load = inFire.and(completes).named("load");
    if (beat && gather) {
      when(inFire, () => {
        beat.next(mux(completes, lit(0, beat.type), beat.add(1)));
        // Shift in from the top: after k − 1 beats the first one sits at bit 0.
        gather.next(k === 2 ? io.in.data : cat(io.in.data, gather.bits((k - 1) * I - 1, I)));
      });
    }
    const fullWord = gather ? cat(io.in.data, gather) : io.in.data;

    when(load, () => {
      word.next(fullWord);
      wordValid.next(1);
      if (wordLast) wordLast.next(io.in.last!);
      if (slice) slice.next(0);
    }).elsewhen(outFire, () => {
      if (slice) {
        when(lastSlice, () => {
          wordValid.next(0);
          slice.next(0);
        }).otherwise(() => slice.next(slice.add(1)));
        word.next(word.shr(O).pad(L));
      } else {
        wordValid.next(0);
      }
    });

    io.in.ready.set(inReady);
    io.out.valid.set(wordValid);
    io.out.data.set(word.bits(O - 1, 0));
    if (wordLast) io.out.last!.set(wordLast.and(lastSlice));
    return io;
  },
});

/**
 * The unregistered gather-only converter: k − 1 beats wait in `gather`, and the output is valid
 * while the k-th beat is offered, carrying it beside them (its `last` too).
 */
function gatherThrough(io: { in: StreamEnd<Signal>; out: StreamEnd<Signal> }, I: number, k: number) {
  const beat = k > 1 ? reg("beat", UInt(widthFor(k - 1)), { init: 0 }) : undefined;
  const gather = k > 1 ? reg("gather", UInt((k - 1) * I)) : undefined;
  const completes = beat ? beat.eq(k - 1).named("completes") : lit(1, UInt(1));
  const inReady = completes.not().or(io.out.ready);
  const inFire = io.in.valid.and(inReady).named("in_fire");
  if (beat && gather) {
    when(inFire, () => {
      beat.next(mux(completes, lit(0, beat.type), beat.add(1)));
      gather.next(k === 2 ? io.in.data : cat(io.in.data, gather.bits((k - 1) * I - 1, I)));
    });
  }
  io.in.ready.set(inReady);
  io.out.valid.set(io.in.valid.and(completes));
  io.out.data.set(gather ? cat(io.in.data, gather) : io.in.data);
  if (io.out.last) io.out.last.set(io.in.last!);
  return io;
}

/** Puts a width converter after `source` (a stream of UInt) and returns its output side. */
export function convertWidth(name: string, source: StreamEnd<Signal>, outWidth: number): StreamEnd<Signal> {
  if (source.data.width === outWidth) return source;
  const c = instance(name, StreamWidthConverter, {
    inWidth: source.data.width,
    outWidth,
    last: source.last !== undefined,
  }) as { in: StreamEnd<Signal>; out: StreamEnd<Signal> };
  connect(c.in, source);
  return c.out;
}
