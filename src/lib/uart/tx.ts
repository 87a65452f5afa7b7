// UART transmitter (8N1): takes a byte when idle and shifts out start bit, 8 data bits LSB
// first and stop bit, each for clocksPerBit cycles. The output register holds the inverted
// line so every reset value is 0 (the line idles high).
import {
  cat,
  defineModule,
  input,
  lit,
  output,
  ports,
  reg,
  type Signal,
  Stream,
  UInt,
  when,
} from "../../dsl/index.js";
import { FRAME_BITS, frameState, type UartParams, uartName } from "./params.js";

export const UartTx = defineModule(
  (p: UartParams) => uartName("Tx", p),
  (p: UartParams) => {
    const io = ports({ in: input(Stream(UInt(8))), tx: output(UInt(1)) });
    const n = p.clocksPerBit;
    const { busy, countdown, bitIndex } = frameState(p);
    // Data bits then the stop bit (1), shifted out from bit 0.
    const shift = reg("shift", UInt(9), { init: 0 }) as Signal;
    const lineLow = reg("line_low", UInt(1), { init: 0 }) as Signal;

    io.in.ready.set(busy.not());
    when(busy.not(), () => {
      when(io.in.valid, () => {
        busy.next(1);
        countdown.next(n - 1);
        bitIndex.next(0);
        shift.next(cat(lit(1, UInt(1)), io.in.data));
        lineLow.next(1);
      });
    }).otherwise(() => {
      when(countdown.eq(0), () => {
        countdown.next(n - 1);
        when(bitIndex.eq(FRAME_BITS - 1), () => busy.next(0)).otherwise(() => {
          bitIndex.next(bitIndex.add(1));
          lineLow.next(shift.bits(0, 0).not());
          shift.next(shift.shr(1));
        });
      }).otherwise(() => countdown.next(countdown.sub(1)));
    });
    io.tx.set(lineLow.not());
    return io;
  },
);
