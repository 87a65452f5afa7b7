// Stream fork: every input beat goes to each of n consumers.
//
// Two disciplines, chosen at elaboration:
// - "pending" (default): each branch remembers in a flag that it has already taken the current
//   beat; the input beat is released when every branch has taken it. A branch's `valid` never
//   depends on another branch's `ready`, so each output keeps the stream rules (valid stays up
//   until its transfer) and the consumers may accept in different cycles.
// - "sync": a beat moves only in a cycle where all consumers are ready, with no state. Output
//   `valid` then depends on the other branches' `ready`, which breaks "valid must not wait for
//   ready"; use it only between blocks that raise `ready` without looking at `valid`.
import {
  bitWidth,
  connect,
  defineModule,
  ElaborationError,
  type Expr,
  type HwType,
  input,
  instance,
  type ModuleDef,
  output,
  ports,
  reg,
  type Signal,
  UInt,
  type Value,
  Vec,
  when,
} from "../../dsl/index.js";
import { leaves } from "../../dsl/module.js";
import { typeOfValue } from "./fifo.js";
import { checkPayloadType } from "./payload.js";
import { type StreamEnd, streamType } from "./stream-types.js";

/** The fork's ports: one stream in, `outputs` streams out. */
export interface StreamForkIo<D = Value> {
  in: StreamEnd<D>;
  out: StreamEnd<D>[];
}

export type ForkMode = "pending" | "sync";

export interface StreamForkParams {
  /** Payload type of one beat. */
  type: HwType;
  /** Number of consumers (≥ 2; default 2). Ports `out_0`, `out_1`, … */
  outputs?: number;
  /** Transfer discipline, see the file comment (default "pending"). */
  mode?: ForkMode;
  /** Carry a `last` flag with each beat. */
  last?: boolean;
}

export const StreamFork: ModuleDef<StreamForkParams, StreamForkIo> = defineModule(
  (p: StreamForkParams) => {
    const n = p.outputs ?? 2;
    if (!Number.isInteger(n) || n < 2)
      throw new ElaborationError(`StreamFork needs at least 2 outputs, got ${n}`);
    if (p.mode !== undefined && p.mode !== "pending" && p.mode !== "sync") {
      throw new ElaborationError(`StreamFork mode must be "pending" or "sync", got "${p.mode}"`);
    }
    checkPayloadType(p.type, "StreamFork");
    return `StreamFork${n}_w${bitWidth(p.type)}_${p.mode ?? "pending"}${p.last ? "_last" : ""}`;
  },
  (p: StreamForkParams) => {
    const n = p.outputs ?? 2;
    const last = p.last ?? false;
    const io: StreamForkIo = ports({
      in: input(streamType(p.type, last)),
      out: output(Vec(n, streamType(p.type, last))),
    });

    // Payload fields are wired straight through to every branch.
    for (const o of io.out) {
      const src = leaves(io.in).filter((l) => !l.flipped && l.path !== "valid");
      const dst = leaves(o).filter((l) => !l.flipped && l.path !== "valid");
      dst.forEach((d, i) => {
        d.signal.set(src[i]!.signal);
      });
    }

    if ((p.mode ?? "pending") === "sync") {
      const allReady = io.out.map((o) => o.ready as Expr).reduce((a, b) => a.and(b));
      io.in.ready.set(allReady);
      io.out.forEach((o, i) => {
        const others = io.out.filter((_, j) => j !== i).map((x) => x.ready as Expr);
        o.valid.set(others.reduce((a, b) => a.and(b), io.in.valid as Expr));
      });
      return io;
    }

    const taken = reg("taken", Vec(n, UInt(1)), { init: 0 }) as Signal[];
    // A branch is done with the current beat if it took it earlier or takes it now.
    const done = io.out.map((o, i) => taken[i]!.or(o.ready));
    const inReady = done.reduce((a, b) => a.and(b));
    const inFire = io.in.valid.and(inReady).named("in_fire");
    io.in.ready.set(inReady);
    io.out.forEach((o, i) => {
      o.valid.set(io.in.valid.and(taken[i]!.not()));
      when(inFire, () => taken[i]!.next(0)).elsewhen(io.in.valid.and(o.ready), () => taken[i]!.next(1));
    });
    return io;
  },
);

/** Forks `source` to `outputs` consumers inside a module body; returns their stream ends. */
export function fork<D extends Value>(
  name: string,
  source: StreamEnd<D>,
  options: { outputs?: number; mode?: ForkMode; type?: HwType } = {},
): StreamEnd<D>[] {
  const f = instance(name, StreamFork, {
    type: options.type ?? typeOfValue(source.data),
    outputs: options.outputs ?? 2,
    mode: options.mode ?? "pending",
    last: source.last !== undefined,
  }) as { in: StreamEnd<D>; out: StreamEnd<D>[] };
  connect(f.in, source);
  return f.out;
}
