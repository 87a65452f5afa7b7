// The output queue of a free-running pipeline. The pipeline never stalls: its issue stage takes
// a credit for every beat it will produce (`reserve`) and only issues while one is free, so a
// stalled consumer stops the issue stage and no beat in flight is ever lost. A credit comes
// back when its beat leaves through `out`. `canReserve` depends on registers only, so the
// consumer's `ready` never reaches the pipeline combinationally. The beats themselves wait in
// the stream library's FIFO (register storage: latency 1, like a read of LUT RAM).
import { countBits } from "../../core/bits.js";
import {
  Bool,
  connect,
  defineModule,
  fire,
  input,
  instance,
  output,
  ports,
  reg,
  Stream,
  UInt,
  when,
} from "../../dsl/index.js";
import { StreamFifo } from "./fifo.js";

export interface CreditQueueParams {
  /** Beats the queue holds: at least the beats that can be in flight in one credit round trip. */
  depth: number;
  /** Bits per beat. */
  width: number;
}

export const CreditQueue = defineModule(
  (p: CreditQueueParams) => `CreditQueue_d${p.depth}_w${p.width}`,
  (p: CreditQueueParams) => {
    const io = ports({
      /** The issue stage starts work that will write one beat. */
      reserve: input(Bool),
      /** A credit is free this cycle. */
      canReserve: output(Bool),
      /** A reserved beat arrives (never more than reserved). */
      enq: input(Bool),
      enqData: input(UInt(p.width)),
      out: output(Stream(UInt(p.width))),
    });
    const credits = reg("reserved", UInt(countBits(p.depth)), { init: 0 });
    const deq = fire(io.out).named("deq");
    io.canReserve.set(credits.ne(p.depth));
    when(io.reserve.and(deq.not()), () => credits.next(credits.add(1))).elsewhen(
      deq.and(io.reserve.not()),
      () => credits.next(credits.sub(1)),
    );

    // Credits guarantee the FIFO has room for every beat that arrives, so its ready is not needed.
    const fifo = instance("slots", StreamFifo, {
      type: UInt(p.width),
      depth: p.depth,
      style: "registers",
      pipe: false,
    });
    fifo.in.valid.set(io.enq);
    connect(fifo.in.data, io.enqData);
    connect(io.out, fifo.out);
    return io;
  },
);
