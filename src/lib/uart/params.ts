// UART framing shared by the receiver, the transmitter and their tests: 8 data bits, LSB
// first, one start bit (low), one stop bit (high), no parity ("8N1"); the line idles high.
import { ElaborationError, reg, type Signal, UInt } from "../../dsl/index.js";
import { widthFor } from "../stream/stream-types.js";

export interface UartParams {
  /** Clock cycles per bit: the clock frequency over the baud rate, rounded. */
  clocksPerBit: number;
}

/** Bit periods in one 8N1 frame: start, 8 data bits, stop. */
export const FRAME_BITS = 10;

/** Clock cycles per bit for a baud rate, refusing a rate the clock cannot sample (< 4 cycles) or hits more than 2 % off. */
export function clocksPerBit(clockHz: number, baud: number): number {
  const n = Math.round(clockHz / baud);
  if (!(n >= 4))
    throw new ElaborationError(
      `a ${clockHz / 1e6} MHz clock cannot sample ${baud} baud (needs ≥ 4 cycles per bit)`,
    );
  const error = Math.abs(clockHz / n - baud) / baud;
  if (error > 0.02)
    throw new ElaborationError(
      `${baud} baud is ${(100 * error).toFixed(1)} % off at ${clockHz / 1e6} MHz (limit 2 %)`,
    );
  return n;
}

/** Module name of a UART side (`UartRx_c104`), after checking the parameters. */
export function uartName(side: "Rx" | "Tx", p: UartParams): string {
  checkUart(p);
  return `Uart${side}_c${p.clocksPerBit}`;
}

/** The frame state both sides keep: busy, the countdown to the next bit boundary, the bit index. */
export function frameState(p: UartParams): { busy: Signal; countdown: Signal; bitIndex: Signal } {
  return {
    busy: reg("busy", UInt(1), { init: 0 }) as Signal,
    countdown: reg("countdown", UInt(widthFor(p.clocksPerBit - 1)), { init: 0 }) as Signal,
    bitIndex: reg("bit_index", UInt(widthFor(FRAME_BITS - 1)), { init: 0 }) as Signal,
  };
}

function checkUart(p: UartParams): void {
  if (!Number.isInteger(p.clocksPerBit) || p.clocksPerBit < 4)
    throw new ElaborationError(`UART clocksPerBit must be an integer ≥ 4, got ${p.clocksPerBit}`);
}
