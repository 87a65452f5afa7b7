// Ready/valid streams. A transfer happens on a clock edge where both `valid` and `ready` are
// high; `valid` must not wait for `ready`, and `data` stays stable while valid waits.
import { type Expr, lit } from "./expr.js";
import type { ValueOf } from "./module.js";
import { Bool, Bundle, type BundleType, flipped, type GroundType, type HwType, UInt } from "./types.js";

export type StreamType<T extends HwType> = BundleType<{ valid: GroundType; ready: GroundType; data: T }>;

/** A ready/valid stream of T, seen from the producer (`ready` flows back). */
export function Stream<T extends HwType>(data: T): StreamType<T> {
  return Bundle({ valid: Bool, ready: flipped(Bool), data }) as StreamType<T>;
}
export const Decoupled = Stream;

export type StreamValue<T extends HwType> = ValueOf<StreamType<T>>;

/** True in a cycle where a beat is transferred. */
export function fire(s: { valid: Expr; ready: Expr }): Expr {
  return s.valid.and(s.ready);
}

/** True in a cycle where the producer offers a beat that the consumer refuses. */
export function isStalled(s: { valid: Expr; ready: Expr }): Expr {
  return s.valid.and(s.ready.not());
}

type AxiStreamType = BundleType<{ tvalid: GroundType; tready: GroundType; tdata: GroundType }>;
type AxiStreamWithLastType = BundleType<{
  tvalid: GroundType;
  tready: GroundType;
  tdata: GroundType;
  tlast: GroundType;
}>;

type AxiStreamMaybeLastType = BundleType<{
  tvalid: GroundType;
  tready: GroundType;
  tdata: GroundType;
  tlast?: GroundType;
}>;

/** AXI4-Stream signal naming for top-level ports: `s_axis_tdata` and friends. */
export function AxiStream(width: number, withLast: true): AxiStreamWithLastType;
export function AxiStream(width: number, withLast?: false): AxiStreamType;
/** `tlast` present or not by a parameter: its value has an optional `tlast`. */
export function AxiStream(width: number, withLast: boolean): AxiStreamMaybeLastType;
export function AxiStream(width: number, withLast = false): AxiStreamMaybeLastType {
  const tdata = UInt(width);
  return withLast
    ? Bundle({ tvalid: Bool, tready: flipped(Bool), tdata, tlast: Bool })
    : Bundle({ tvalid: Bool, tready: flipped(Bool), tdata });
}

export const FALSE = (): Expr => lit(0, Bool);
export const TRUE = (): Expr => lit(1, Bool);
