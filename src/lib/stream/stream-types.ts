// Stream shapes shared by the stream blocks. `Stream(T)` (from the DSL) is valid/ready/data;
// `StreamWithLast(T)` adds the frame-end flag `last`, which maps to AXI4-Stream's `tlast`.
import { countBits } from "../../core/bits.js";
import { Bool, Bundle, flipped, type HwType, type Signal, Stream, type Value } from "../../dsl/index.js";
import type { BundleType, GroundType } from "../../dsl/types.js";

export type StreamWithLastType<T extends HwType> = BundleType<{
  valid: GroundType;
  ready: GroundType;
  data: T;
  last: GroundType;
}>;

/** A ready/valid stream of T whose beats carry a `last` flag marking the end of a frame. */
export function StreamWithLast<T extends HwType>(data: T): StreamWithLastType<T> {
  return Bundle({ valid: Bool, ready: flipped(Bool), data, last: Bool }) as StreamWithLastType<T>;
}

/**
 * A stream whose `last` flag is present or not by a parameter: at run time exactly `Stream(T)`
 * or `StreamWithLast(T)`; its type says `last` may be absent, so `ports()` gives a `StreamEnd`.
 */
export type StreamPortType<T extends HwType> = BundleType<{
  valid: GroundType;
  ready: GroundType;
  data: T;
  last?: GroundType;
}>;

/** `Stream(T)`, or `StreamWithLast(T)` when `last` is true. */
export function streamType<T extends HwType>(data: T, last: boolean): StreamPortType<T> {
  return last ? StreamWithLast(data) : Stream(data);
}

/**
 * One side of a stream as a value: `valid` and `data` (and `last`) flow from producer to
 * consumer, `ready` flows back. A block's input side is driven by its caller; what a helper
 * such as `queue()` returns is the consumer side, whose `ready` the caller drives.
 */
export interface StreamEnd<D = unknown> {
  valid: Signal;
  ready: Signal;
  data: D;
  last?: Signal;
}

/** The ports of a block with one stream in and one out (a FIFO stage, a converter, a slice). */
export interface StreamPair<D = Value> {
  in: StreamEnd<D>;
  out: StreamEnd<D>;
}

/** Smallest width holding the values 0..n. */
export function widthFor(n: number): number {
  return countBits(n);
}
