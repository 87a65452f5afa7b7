// The system wrapper a board design needs around a streaming core: DMA-legal stream widths,
// TLAST at the end of every batch on the output (TlastMarker), and the AXI4-Lite control block
// (batch size, image and cycle counters, build ID). The core's other output streams are
// drained, so they can never stall it; its extra input streams (runtime weight loads) are
// brought out unchanged, each for a DMA of its own.
import {
  AxiStream,
  connect,
  defineModule,
  ElaborationError,
  input,
  instance,
  type ModuleDef,
  output,
  ports,
  type Signal,
  type Value,
} from "../../dsl/index.js";
import type { AxisEnd } from "../stream/index.js";
import { AxiLite } from "./axi-lite.js";
import { ControlRegisters } from "./control.js";
import { BatchCounters } from "./counters.js";
import { dmaStreamWidth } from "./dma.js";
import { CONTROL_ADDR_BITS } from "./registers.js";
import { TlastMarker } from "./tlast-marker.js";

export interface SystemParams<P> {
  /** Module name of the wrapper. */
  name: string;
  core: ModuleDef<P, unknown>;
  coreParams: P;
  /** tdata widths of the core's `s_axis` and `m_axis`. */
  coreInBits: number;
  coreOutBits: number;
  inBeatsPerImage: number;
  outBeatsPerImage: number;
  buildId: number;
  /** More AXI4-Stream inputs of the core, brought out under the same names (DMA-legal widths). */
  extraInputs?: readonly { name: string; bits: number }[];
}

/** tdata widths of the wrapper's streams (what the DMA is configured with). */
export function systemStreamWidths(p: { coreInBits: number; coreOutBits: number }) {
  return { inBits: dmaStreamWidth(p.coreInBits), outBits: dmaStreamWidth(p.coreOutBits) };
}

export const SystemWrapper = defineModule(
  (p: SystemParams<unknown>) => p.name,
  (p: SystemParams<unknown>) => {
    const widths = systemStreamWidths(p);
    const extra = p.extraInputs ?? [];
    for (const e of extra) {
      if (dmaStreamWidth(e.bits) !== e.bits)
        throw new ElaborationError(`input stream ${e.name}: ${e.bits} bits is not a DMA stream width`);
    }
    const io = ports({
      s_axis: input(AxiStream(widths.inBits)),
      m_axis: output(AxiStream(widths.outBits, true)),
      s_axi_control: input(AxiLite(CONTROL_ADDR_BITS)),
      ...Object.fromEntries(extra.map((e) => [e.name, input(AxiStream(e.bits))])),
    }) as unknown as { s_axis: AxisEnd; m_axis: Required<AxisEnd>; s_axi_control: Value } & Record<
      string,
      AxisEnd
    >;

    const core = instance("core", p.core, p.coreParams) as Record<string, Record<string, Signal>>;
    const coreIn = core.s_axis!;
    const coreOut = core.m_axis!;
    coreIn.tvalid!.set(io.s_axis.tvalid);
    coreIn.tdata!.set(io.s_axis.tdata.bits(p.coreInBits - 1, 0));
    io.s_axis.tready.set(coreIn.tready!);
    for (const e of extra) {
      const from = io[e.name]!;
      const to = core[e.name]!;
      to.tvalid!.set(from.tvalid);
      to.tdata!.set(from.tdata);
      from.tready.set(to.tready!);
    }
    const passed = new Set(["s_axis", "m_axis", ...extra.map((e) => e.name)]);
    for (const [name, port] of Object.entries(core)) {
      if (!passed.has(name) && port.tready) port.tready.set(1);
    }

    const marker = instance("tlast", TlastMarker, {
      width: p.coreOutBits,
      beatsPerImage: p.outBeatsPerImage,
    });
    marker.in.valid.set(coreOut.tvalid!);
    marker.in.data.set(coreOut.tdata!);
    coreOut.tready!.set(marker.in.ready);
    io.m_axis.tvalid.set(marker.out.valid);
    io.m_axis.tdata.set(marker.out.data.zext(widths.outBits));
    io.m_axis.tlast.set(marker.out.last);
    marker.out.ready.set(io.m_axis.tready);

    const counters = instance("counters", BatchCounters, undefined);
    counters.in_fire.set(io.s_axis.tvalid.and(io.s_axis.tready));
    counters.image_done.set(marker.image_done);
    counters.last_fire.set(marker.out.valid.and(marker.out.ready).and(marker.out.last));

    const control = instance("control", ControlRegisters, {
      buildId: p.buildId,
      inBeatsPerImage: p.inBeatsPerImage,
      outBeatsPerImage: p.outBeatsPerImage,
    });
    connect(control.s_axi_control, io.s_axi_control, AxiLite(CONTROL_ADDR_BITS));
    control.images.set(counters.images);
    control.cycles.set(counters.cycles);
    marker.batch_size.set(control.batch_size);
    return io;
  },
);
