// The top-level AXI4-Stream boundary: Loom's internal ready/valid streams on one side,
// `s_axis_*` / `m_axis_*` ports on the other. FINN pads each stream's `tdata` to a multiple of
// 8 bits; the padding bits of an input are ignored and those of an output are zero.
import {
  AxiStream,
  Bool,
  ElaborationError,
  input,
  named,
  output,
  type Signal,
  wire,
} from "../../dsl/index.js";
import type { StreamEnd } from "./stream-types.js";

/** `width` rounded up to whole bytes, as AXI4-Stream `tdata` is. */
export function axisPaddedWidth(width: number): number {
  if (!Number.isInteger(width) || width < 1)
    throw new ElaborationError(`stream width must be an integer ≥ 1, got ${width}`);
  return Math.ceil(width / 8) * 8;
}

/** The AXI4-Stream side of a top-level port carrying `width`-bit beats. */
export interface AxisEnd {
  tvalid: Signal;
  tready: Signal;
  tdata: Signal;
  tlast?: Signal;
}

export interface AxisPortOptions {
  /** Payload bits of the input stream (before padding). */
  inWidth: number;
  /** Payload bits of the output stream (before padding). */
  outWidth: number;
  /** Add `tlast` to both ports. */
  last?: boolean;
}

/**
 * Port specs for a top with one AXI4-Stream input and one output, for `ports({...})`:
 * `ports({ ...axisPorts({ inWidth: 12, outWidth: 4 }) })` gives `s_axis_tdata[15:0]`,
 * `s_axis_tvalid`, `s_axis_tready`, `m_axis_tdata[7:0]`, …
 */
export function axisPorts(o: AxisPortOptions) {
  const last = o.last ?? false;
  return {
    s_axis: input(AxiStream(axisPaddedWidth(o.inWidth), last)),
    m_axis: output(AxiStream(axisPaddedWidth(o.outWidth), last)),
  };
}

/**
 * The internal stream behind an AXI4-Stream input port (inside the top's body): `data` is the
 * low `width` bits of `tdata`. The caller drives the returned `ready`.
 */
export function fromAxis(name: string, axis: AxisEnd, width: number): StreamEnd<Signal> {
  if (axis.tdata.width !== axisPaddedWidth(width)) {
    throw new ElaborationError(
      `fromAxis("${name}"): tdata is ${axis.tdata.width} bits, but a ${width}-bit stream pads to ${axisPaddedWidth(width)}`,
    );
  }
  const ready = wire(`${name}_ready`, Bool) as Signal;
  axis.tready.set(ready);
  // The padding bits are ignored (the emitter marks a partly read input as intended).
  const data = named(`${name}_data`, axis.tdata.bits(width - 1, 0));
  const end: StreamEnd<Signal> = { valid: axis.tvalid, ready, data };
  if (axis.tlast) end.last = axis.tlast;
  return end;
}

/** Drives an AXI4-Stream output port from an internal stream, zero-padding `tdata`. */
export function toAxis(axis: AxisEnd, source: StreamEnd<Signal>): void {
  const w = source.data.width;
  if (axisPaddedWidth(w) !== axis.tdata.width) {
    throw new ElaborationError(
      `toAxis: a ${w}-bit stream pads to ${axisPaddedWidth(w)} bits, but tdata is ${axis.tdata.width}`,
    );
  }
  if ((axis.tlast === undefined) !== (source.last === undefined)) {
    throw new ElaborationError(
      `toAxis: the port ${axis.tlast ? "has" : "has no"} tlast but the stream ${source.last ? "has" : "has no"} last`,
    );
  }
  axis.tvalid.set(source.valid);
  axis.tdata.set(source.data.zext(axis.tdata.width));
  source.ready.set(axis.tready);
  if (axis.tlast) axis.tlast.set(source.last!);
}
