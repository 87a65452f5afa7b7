// A register slice (skid buffer): full throughput, and every output comes straight from a
// register, so it cuts both the forward path (valid/data) and the backward path (ready). When
// the consumer stalls, the beat already accepted in that cycle lands in the skid register;
// `in_ready` is a register of its own, so no logic lies between `out_ready` and `in_ready`.
import {
  Bool,
  Bundle,
  bitWidth,
  connect,
  defineModule,
  type HwType,
  input,
  instance,
  type ModuleDef,
  mux,
  output,
  ports,
  reg,
  UInt,
  type Value,
  when,
} from "../../dsl/index.js";
import { typeOfValue } from "./fifo.js";
import { checkPayloadType, packBits, unpackBits } from "./payload.js";
import { type StreamEnd, type StreamPair, streamType } from "./stream-types.js";

export interface SkidBufferParams {
  /** Payload type of one beat. */
  type: HwType;
  /** Carry a `last` flag with each beat (ports `in_last`, `out_last`). */
  last?: boolean;
}

/** Cycles from an input transfer to the beat being offered at the output. */
export const SKID_BUFFER_LATENCY = 1;

function layout(p: SkidBufferParams): HwType {
  return p.last ? Bundle({ data: p.type, last: Bool }) : p.type;
}

export const SkidBuffer: ModuleDef<SkidBufferParams, StreamPair, void> = defineModule({
  name: (p: SkidBufferParams) => `SkidBuffer_w${bitWidth(layout(p))}${p.last ? "_last" : ""}`,
  validate: (p: SkidBufferParams) => checkPayloadType(p.type, "SkidBuffer"),
  body: (p: SkidBufferParams) => {
    const last = p.last ?? false;
    const io: StreamPair<Value> = ports({
      in: input(streamType(p.type, last)),
      out: output(streamType(p.type, last)),
    });
    const shape = layout(p);
    const T = UInt(bitWidth(shape));
    const payload = (s: StreamEnd<Value>): Value => (last ? { data: s.data, last: s.last! } : s.data);

    const outValid = reg("out_valid_q", UInt(1), { init: 0 });
    const outBits = reg("out_bits_q", T, { init: 0 });
    const skidValid = reg("skid_valid", UInt(1), { init: 0 });
    const skidBits = reg("skid_bits", T);
    // Equal to !skid_valid, but kept as its own register so `in_ready` is a flip-flop output.
    const inReady = reg("in_ready_q", UInt(1), { init: 1 });

    const inBits = packBits(payload(io.in), shape);
    const inFire = io.in.valid.and(inReady).named("in_fire");
    const outFree = outValid.not().or(io.out.ready).named("out_free");

    // The output register takes the skid beat first (it is older), else the incoming beat.
    when(outFree, () => {
      outValid.next(skidValid.or(inFire));
      when(skidValid.or(inFire), () => outBits.next(mux(skidValid, skidBits, inBits)));
    });
    const skidNext = mux(outFree, 0, skidValid.or(inFire)).named("skid_next");
    when(outFree.not().and(inFire), () => skidBits.next(inBits));
    skidValid.next(skidNext);
    inReady.next(skidNext.not());

    io.in.ready.set(inReady);
    io.out.valid.set(outValid);
    unpackBits(payload(io.out), shape, outBits);
    return io;
  },
});

/** Puts a skid buffer after `source` inside a module body and returns its output side. */
export function skidBuffer<D extends Value>(name: string, source: StreamEnd<D>, type?: HwType): StreamEnd<D> {
  const s = instance(name, SkidBuffer, {
    type: type ?? typeOfValue(source.data),
    last: source.last !== undefined,
  }) as { in: StreamEnd<D>; out: StreamEnd<D> };
  connect(s.in, source);
  return s.out;
}
