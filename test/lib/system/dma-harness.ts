// A test-only Loom module around a system wrapper that presents its AXI4-Lite channels and its
// TLAST output as the plain ready/valid streams the house harness drives (sim/ runStreams):
//   in → s_axis (held back until every control write has been answered, as a driver sets the
//   batch size before starting the DMA), out ← {m_axis_tlast, m_axis_tdata}, aw/w → writes
//   (w data = {wstrb, wdata}), b ← bresp, ar → reads (held back until the output has delivered
//   `out_beats` beats), r ← {rresp, rdata}. `writes` and `out_beats` are inputs, so one build
//   serves every run.
import {
  cat,
  defineModule,
  input,
  instance,
  output,
  ports,
  reg,
  type Signal,
  Stream,
  UInt,
  when,
} from "../../../src/dsl/index.js";
import {
  CONTROL_ADDR_BITS,
  type SystemParams,
  SystemWrapper,
  systemStreamWidths,
} from "../../../src/lib/system/index.js";

export interface DmaHarnessParams {
  system: SystemParams<unknown>;
}

type S = { valid: Signal; ready: Signal; data: Signal };

export const DmaHarness = defineModule(
  (p: DmaHarnessParams) => `DmaHarness_${p.system.name}`,
  (p: DmaHarnessParams) => {
    const w = systemStreamWidths(p.system);
    const io = ports({
      in: input(Stream(UInt(w.inBits))),
      out: output(Stream(UInt(w.outBits + 1))),
      aw: input(Stream(UInt(CONTROL_ADDR_BITS))),
      w: input(Stream(UInt(36))),
      b: output(Stream(UInt(2))),
      ar: input(Stream(UInt(CONTROL_ADDR_BITS))),
      r: output(Stream(UInt(34))),
      writes: input(UInt(32)),
      out_beats: input(UInt(32)),
    }) as unknown as Record<string, S>;
    const sys = instance("dut", SystemWrapper, p.system) as unknown as Record<string, Record<string, Signal>>;
    const axis = sys.s_axis!;
    const m = sys.m_axis!;
    const bus = sys.s_axi_control!;

    const answered = reg("answered", UInt(32), { init: 0 });
    const delivered = reg("delivered", UInt(32), { init: 0 });
    const open = answered.eq(io.writes as unknown as Signal);
    const drained = delivered.eq(io.out_beats as unknown as Signal);
    when(bus.bvalid!.and(io.b!.ready), () => answered.next(answered.add(1)));
    when(m.tvalid!.and(io.out!.ready), () => delivered.next(delivered.add(1)));

    axis.tvalid!.set(io.in!.valid.and(open));
    axis.tdata!.set(io.in!.data);
    io.in!.ready.set(axis.tready!.and(open));

    io.out!.valid.set(m.tvalid!);
    io.out!.data.set(cat(m.tlast!, m.tdata!));
    m.tready!.set(io.out!.ready);

    bus.awvalid!.set(io.aw!.valid);
    bus.awaddr!.set(io.aw!.data);
    io.aw!.ready.set(bus.awready!);
    bus.wvalid!.set(io.w!.valid);
    bus.wdata!.set(io.w!.data.bits(31, 0));
    bus.wstrb!.set(io.w!.data.bits(35, 32));
    io.w!.ready.set(bus.wready!);
    io.b!.valid.set(bus.bvalid!);
    io.b!.data.set(bus.bresp!);
    bus.bready!.set(io.b!.ready);

    bus.arvalid!.set(io.ar!.valid.and(drained));
    bus.araddr!.set(io.ar!.data);
    io.ar!.ready.set(bus.arready!.and(drained));
    io.r!.valid.set(bus.rvalid!);
    io.r!.data.set(cat(bus.rresp!, bus.rdata!));
    bus.rready!.set(io.r!.ready);
    return io;
  },
);
