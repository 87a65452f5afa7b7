// Pipeline registers for stream transforms, written inline in the calling module (they take a
// TypeScript function, which cannot be a module parameter).
//
// `mapStream(name, s, f)` registers `f(s.data)`: one cycle of latency, full throughput, and the
// combinational depth of `f` stops at the register. `in.ready = !out_valid || out.ready` is the
// usual pipeline-stage handshake; the ready path stays combinational, so put a `skidBuffer`
// behind a long chain of stages when `ready` must be cut too.
import { Bool, cat, type Expr, reg, type Signal, type Value, when, wire } from "../../dsl/index.js";
import { leaves } from "../../dsl/module.js";
import type { StreamEnd } from "./stream-types.js";

export interface MapOptions {
  /** Give the data register a reset value of 0 so `data` is defined before the first beat (default true). */
  resetData?: boolean;
}

/**
 * A registered stream transform: returns a stream of `f(source.data)` (f is any combinational
 * function built from DSL expressions). Registers and wires are named `${name}_valid`,
 * `${name}_data` and `${name}_ready`; `last`, when present, travels with the beat.
 */
export function mapStream<D>(
  name: string,
  source: StreamEnd<D>,
  f: (data: D) => Expr,
  options: MapOptions = {},
): StreamEnd<Signal> {
  const value = f(source.data);
  const init = options.resetData === false ? {} : { init: 0 };
  const valid = reg(`${name}_valid`, Bool, { init: 0 }) as Signal;
  const data = reg(`${name}_data`, value.type, init) as Signal;
  const last = source.last ? (reg(`${name}_last`, Bool, { init: 0 }) as Signal) : undefined;
  const ready = wire(`${name}_ready`, Bool) as Signal;
  const accept = valid.not().or(ready).named(`${name}_accept`);
  when(accept, () => {
    valid.next(source.valid);
    when(source.valid, () => {
      data.next(value);
      if (last) last.next(source.last!);
    });
  });
  source.ready.set(accept);
  return last ? { valid, ready, data, last } : { valid, ready, data };
}

/** A forward register slice (SpinalHDL's m2sPipe): `mapStream` with the identity. */
export function pipeStage<D extends Value>(name: string, source: StreamEnd<D>): StreamEnd<Signal> {
  return mapStream(name, source, (d) => (isSignal(d) ? d : packAll(d)));
}

function isSignal(x: unknown): x is Signal {
  return typeof x === "object" && x !== null && "signalName" in x && "owner" in x;
}

/** Packs an aggregate payload (first leaf in the low bits), for stages over Vec/Bundle data. */
function packAll(v: Value): Expr {
  return cat(
    ...leaves(v)
      .map((l) => l.signal.asUInt())
      .reverse(),
  );
}
