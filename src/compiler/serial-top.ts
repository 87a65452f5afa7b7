// The top for boards without a processor (iCE40): the accelerator behind a UART. Bytes from
// the host are gathered LSB first into input beats (each beat's tdata, little-endian, as
// `serialImageBytes` packs them), and each output beat leaves as its tdata bytes, low byte
// first. The framing is documented in docs/ice40.md.
import {
  type DesignIR,
  defineModule,
  input,
  instance,
  output,
  ports,
  type Signal,
  UInt,
  wire,
} from "../dsl/index.js";
import { convertWidth, queue, type StreamEnd } from "../lib/stream/index.js";
import { UartRx, UartTx } from "../lib/uart/index.js";
import { Accelerator, acceleratorIo } from "./accelerator.js";
import type { AcceleratorPlan } from "./plan.js";

export interface SerialTopParams {
  plan: AcceleratorPlan;
  clocksPerBit: number;
  /** Bytes the receiver may get ahead of the accelerator (default 16). */
  rxFifoDepth?: number;
}

/** Port names of the serial top, as the pin file (`.pcf`) maps them. */
export const SERIAL_PORTS = { rx: "uart_rx", tx: "uart_tx" } as const;

export const SerialTop = defineModule(
  (p: SerialTopParams) => `${p.plan.topName}_serial`,
  (p: SerialTopParams) => {
    const io = ports({ uart_rx: input(UInt(1)), uart_tx: output(UInt(1)) });
    const widths = acceleratorIo(p.plan);
    const rx = instance("rx", UartRx, { clocksPerBit: p.clocksPerBit });
    rx.rx.set(io.uart_rx);
    const bytes = queue("rx_fifo", rx.out, p.rxFifoDepth ?? 16);
    const beats = convertWidth("to_beats", bytes, widths.inputBits);

    const acc = instance("accelerator", Accelerator, p.plan);
    acc.s_axis.tvalid.set(beats.valid);
    acc.s_axis.tdata.set(beats.data);
    beats.ready.set(acc.s_axis.tready);

    const resultReady = wire("result_ready", UInt(1)) as Signal;
    acc.m_axis.tready.set(resultReady);
    const result: StreamEnd<Signal> = {
      valid: acc.m_axis.tvalid,
      ready: resultReady,
      data: acc.m_axis.tdata,
    };
    const out = convertWidth("to_bytes", result, 8);
    const tx = instance("tx", UartTx, { clocksPerBit: p.clocksPerBit });
    tx.in.valid.set(out.valid);
    tx.in.data.set(out.data);
    out.ready.set(tx.in.ready);
    io.uart_tx.set(tx.tx);
    return io;
  },
);

/**
 * Registers whose reset value is not 0, by hierarchical name. An iCE40 powers up with every
 * flip-flop at 0, so a design with none of these starts in its reset state without a reset pulse.
 */
export function nonZeroResets(design: DesignIR): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  const visit = (m: DesignIR["top"]) => {
    if (seen.has(m)) return;
    seen.add(m);
    for (const r of m.regs)
      if (r.reg?.init !== undefined && r.reg.init !== 0n) found.push(`${m.desiredName}.${r.signalName}`);
    for (const i of m.instances) visit(i.module);
  };
  visit(design.top);
  return found;
}
