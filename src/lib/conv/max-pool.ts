// Streaming max-pooling (FINN's StreamingMaxPool, and its sliding window + Pool pair when the
// kernel differs from the stride): the sliding-window unit's line buffer delivers each window
// in (kh, kw, channel fold) order, and per-channel comparators keep a running maximum for every
// channel fold in a CF-word accumulator memory. The window's last position sends the
// maximum out, so one pixel of CF beats leaves per KH·KW·CF window beats: at the input rate
// when kernel = stride (every input beat is in one window), KH·KW / (SH·SW) times slower than
// the input when windows overlap.
//
// Codes compare as integers of the datatype: signed for INTn, unsigned for UINTn and BINARY,
// and BIPOLAR's bit 1 (+1) above 0 (−1).

import { type DataType, dataTypeName } from "../../core/datatypes.js";
import {
  cat,
  connect,
  defineModule,
  type Expr,
  input,
  instance,
  mux,
  named,
  output,
  ports,
  ram,
  reg,
  type Signal,
  Stream,
  UInt,
  when,
} from "../../dsl/index.js";
import { counter, step } from "../counters.js";
import { SkidBuffer } from "../stream/skid-buffer.js";
import type { StreamPair } from "../stream/stream-types.js";
import { SlidingWindow } from "./sliding-window.js";
import { type SlidingWindowParams, slidingWindowShape } from "./window-shape.js";

/** The window's parameters, with the datatype in place of the element width. */
export interface MaxPoolParams extends Omit<SlidingWindowParams, "elementBits"> {
  dataType: DataType;
}

function windowParams(p: MaxPoolParams): SlidingWindowParams {
  const { dataType, ...window } = p;
  return { ...window, name: `${p.name ?? "MaxPool"}_window`, elementBits: dataType.bits };
}

export function maxPoolShape(p: MaxPoolParams) {
  const w = slidingWindowShape(windowParams(p));
  return { ...w, outBeats: w.outHeight * w.outWidth * w.cf, window: w };
}

function moduleName(p: MaxPoolParams): string {
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.stride;
  return `${p.name ?? "MaxPool"}_${p.height}x${p.width}x${p.channels}_k${kh}x${kw}_s${sh}x${sw}_simd${p.simd}_${dataTypeName(p.dataType)}`;
}

/** The larger of two lanes, compared as the datatype's integers. */
function laneMax(a: Expr, b: Expr, signed: boolean): Expr {
  const aGreater = signed ? a.asSInt().gt(b.asSInt()) : a.gt(b);
  return mux(aGreater, a, b);
}

export const MaxPool = defineModule(moduleName, (p: MaxPoolParams) => {
  const s = maxPoolShape(p);
  const bits = p.dataType.bits;
  const signed = p.dataType.kind === "INT";
  const io = ports({ in: input(Stream(UInt(s.beatWidth))), out: output(Stream(UInt(s.beatWidth))) });
  const window = instance("window", SlidingWindow, windowParams(p));
  connect(window.in, io.in);

  // Position in the window stream: channel fold innermost, then kernel position.
  const positions = p.kernel[0] * p.kernel[1];
  const fold = counter("fold", s.cf - 1);
  const position = counter("position", positions - 1);
  const first = position.eq(0);
  const lastPosition = position.eq(positions - 1);

  // Running maxima, one word of SIMD lanes per channel fold (LUT RAM read combinationally).
  let held: Expr;
  let store: (word: Expr, enable: Expr) => void;
  if (s.cf === 1) {
    const r = reg("runningMax", UInt(s.beatWidth)) as Signal;
    held = r;
    store = (word, enable) => when(enable, () => r.next(word));
  } else {
    const mem = ram("runningMax", UInt(s.beatWidth), s.cf, { style: "distributed" });
    held = mem.readAsync(fold);
    store = (word, enable) => mem.write(fold, word, enable);
  }
  const beat = window.out.data;
  const lanes = Array.from({ length: p.simd }, (_, i) => {
    const v = beat.bits((i + 1) * bits - 1, i * bits);
    return mux(first, v, laneMax(held.bits((i + 1) * bits - 1, i * bits), v, signed));
  });
  const maxima = named("maxima", cat(...lanes.reverse()));

  const slice = instance("outputSlice", SkidBuffer, { type: UInt(s.beatWidth) }) as StreamPair<Signal>;
  slice.in.valid.set(window.out.valid.and(lastPosition));
  slice.in.data.set(maxima);
  window.out.ready.set(lastPosition.not().or(slice.in.ready));
  const taken = named("taken", window.out.valid.and(window.out.ready));
  store(maxima, taken.and(lastPosition.not()));
  step(fold, s.cf - 1, taken);
  step(position, positions - 1, taken.and(fold.eq(s.cf - 1)));
  connect(io.out, slice.out);
  return io;
});
