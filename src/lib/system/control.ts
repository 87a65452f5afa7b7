// The AXI4-Lite control block: a register file with the map in registers.ts. The slave takes
// a write when address and data are both offered (AXI allows waiting for both), answers every
// access OKAY, and reads unmapped addresses as 0.
import {
  cat,
  defineModule,
  type Expr,
  fire,
  input,
  lit,
  output,
  ports,
  reg,
  select,
  UInt,
  when,
} from "../../dsl/index.js";
import { AXI_LITE_DATA_BITS, AxiLite } from "./axi-lite.js";
import { CYCLE_COUNT_BITS } from "./counters.js";
import {
  CONTROL_ADDR_BITS,
  CONTROL_REGISTERS,
  type ControlRegisterName,
  registerOffset,
} from "./registers.js";
import { BATCH_COUNT_BITS } from "./tlast-marker.js";

export interface ControlParams {
  /** 32-bit design identifier, readable at BUILD_ID. */
  buildId: number;
  inBeatsPerImage: number;
  outBeatsPerImage: number;
}

const WORD = UInt(AXI_LITE_DATA_BITS);

export const ControlRegisters = defineModule(
  () => "ControlRegisters",
  (p: ControlParams) => {
    const io = ports({
      s_axi_control: input(AxiLite(CONTROL_ADDR_BITS)),
      images: input(UInt(BATCH_COUNT_BITS)),
      cycles: input(UInt(CYCLE_COUNT_BITS)),
      batch_size: output(UInt(BATCH_COUNT_BITS)),
    });
    const bus = io.s_axi_control;
    const wordOf = (addr: Expr) => addr.bits(CONTROL_ADDR_BITS - 1, 2);
    const at = (addr: Expr, name: ControlRegisterName) => wordOf(addr).eq(registerOffset(name) / 4);

    // Writes: address and data together, then the response.
    const batch = reg("batch_size_q", UInt(BATCH_COUNT_BITS), { init: 1 });
    const bvalid = reg("bvalid_q", UInt(1), { init: 0 });
    const take = bus.awvalid.and(bus.wvalid).and(bvalid.not());
    bus.awready.set(take);
    bus.wready.set(take);
    when(take, () => {
      bvalid.next(1);
      when(at(bus.awaddr, "BATCH_SIZE"), () => batch.next(byteMerge(batch, bus.wdata, bus.wstrb)));
    });
    when(fire({ valid: bvalid, ready: bus.bready }), () => bvalid.next(0));
    bus.bvalid.set(bvalid);
    bus.bresp.set(lit(0, UInt(2)));

    // Reads: one outstanding; reading CYCLES_LO latches the high word so the pair is consistent.
    const rvalid = reg("rvalid_q", UInt(1), { init: 0 });
    const rdata = reg("rdata_q", WORD, { init: 0 });
    const cyclesHi = reg("cycles_hi_q", WORD, { init: 0 });
    const values: Record<ControlRegisterName, Expr> = {
      BUILD_ID: lit(p.buildId >>> 0, WORD),
      BATCH_SIZE: batch,
      IMAGES_DONE: io.images,
      CYCLES_LO: io.cycles.bits(31, 0),
      CYCLES_HI: cyclesHi,
      IN_BEATS: lit(p.inBeatsPerImage, WORD),
      OUT_BEATS: lit(p.outBeatsPerImage, WORD),
    };
    const table: Expr[] = Array.from({ length: 2 ** (CONTROL_ADDR_BITS - 2) }, () => lit(0, WORD));
    for (const r of CONTROL_REGISTERS) table[r.offset / 4] = values[r.name];
    bus.arready.set(rvalid.not());
    when(fire({ valid: bus.arvalid, ready: rvalid.not() }), () => {
      rvalid.next(1);
      rdata.next(select(wordOf(bus.araddr), table));
      when(at(bus.araddr, "CYCLES_LO"), () => cyclesHi.next(io.cycles.bits(63, 32)));
    });
    when(fire({ valid: rvalid, ready: bus.rready }), () => rvalid.next(0));
    bus.rvalid.set(rvalid);
    bus.rdata.set(rdata);
    bus.rresp.set(lit(0, UInt(2)));
    io.batch_size.set(batch);
    return io;
  },
);

/** `old` with the bytes whose strobe bit is set replaced by those of `data`. */
function byteMerge(old: Expr, data: Expr, strobe: Expr): Expr {
  const bytes: Expr[] = [];
  for (let i = AXI_LITE_DATA_BITS / 8 - 1; i >= 0; i--) {
    const lo = 8 * i;
    bytes.push(select(strobe.bit(i), [old.bits(lo + 7, lo), data.bits(lo + 7, lo)]));
  }
  return cat(...bytes);
}
