// UART receiver (8N1): a two-register synchroniser on the line, a start bit found by its
// falling edge and confirmed at its middle, then each bit sampled in the middle of its period.
// Each byte leaves as one stream beat; a byte not taken before the next one completes is
// replaced (a UART has no flow control: the bridge puts a FIFO behind the receiver).
// Registers hold the inverted line so that every reset value is 0 (the iCE40 top relies on it).
import {
  cat,
  defineModule,
  input,
  output,
  ports,
  reg,
  type Signal,
  Stream,
  UInt,
  when,
} from "../../dsl/index.js";
import { FRAME_BITS, frameState, type UartParams, uartName } from "./params.js";

export const UartRx = defineModule(
  (p: UartParams) => uartName("Rx", p),
  (p: UartParams) => {
    const io = ports({ rx: input(UInt(1)), out: output(Stream(UInt(8))) });
    const n = p.clocksPerBit;
    // Inverted, synchronised line: 1 while the line is low (start bit, 0 data bits).
    const low1 = reg("low1", UInt(1), { init: 0 }) as Signal;
    const low = reg("low", UInt(1), { init: 0 }) as Signal;
    low1.next(io.rx.not());
    low.next(low1);

    const { busy, countdown, bitIndex } = frameState(p);
    const shift = reg("shift", UInt(8), { init: 0 }) as Signal;
    const valid = reg("valid", UInt(1), { init: 0 }) as Signal;
    const data = reg("data", UInt(8), { init: 0 }) as Signal;

    when(valid.and(io.out.ready), () => valid.next(0));
    when(busy.not(), () => {
      // Falling edge: wait half a bit to the start bit's middle.
      when(low, () => {
        busy.next(1);
        countdown.next(Math.floor(n / 2) - 1);
        bitIndex.next(0);
      });
    }).otherwise(() => {
      when(countdown.eq(0), () => {
        countdown.next(n - 1);
        bitIndex.next(bitIndex.add(1));
        when(bitIndex.eq(0), () => {
          // A start bit that is gone by its middle was a glitch.
          when(low.not(), () => busy.next(0));
        })
          .elsewhen(bitIndex.eq(FRAME_BITS - 1), () => {
            busy.next(0);
            // A valid stop bit (line high) delivers the byte; a framing error drops it.
            when(low.not(), () => {
              valid.next(1);
              data.next(shift);
            });
          })
          .otherwise(() => shift.next(cat(low.not(), shift.bits(7, 1))));
      }).otherwise(() => countdown.next(countdown.sub(1)));
    });
    io.out.valid.set(valid);
    io.out.data.set(data);
    return io;
  },
);
