// Designs the simulation tests share: the example counter and a small stream pipeline stage.
import { Counter } from "../../examples/counter.js";
import {
  Bool,
  defineModule,
  elaborate,
  fire,
  input,
  output,
  ports,
  reg,
  Stream,
  UInt,
  when,
} from "../../src/dsl/index.js";
import { type EmittedDesign, emitVerilog } from "../../src/rtl/emit.js";

export function counterDesign(width = 8, limit = 9): EmittedDesign {
  return emitVerilog(elaborate(Counter, { width, limit }));
}

/**
 * A one-register pipeline stage between `in` and `out`: it takes a beat when empty or when its
 * own beat leaves in the same cycle. `occupancy` exposes the register's fullness for watching.
 */
export const Stage = defineModule(
  (p: { width: number }) => `Stage_w${p.width}`,
  (p: { width: number }) => {
    const io = ports({
      in: input(Stream(UInt(p.width))),
      out: output(Stream(UInt(p.width))),
      occupancy: output(UInt(1)),
    });
    const full = reg("full", Bool, { init: 0 });
    // Reset too, so Icarus sees no X on out_data after reset (a stream violation in runStreams).
    const data = reg("data", UInt(p.width), { init: 0 });
    const inReady = full.not().or(io.out.ready);
    io.in.ready.set(inReady);
    io.out.valid.set(full);
    io.out.data.set(data);
    io.occupancy.set(full);
    when(fire(io.out), () => full.next(0));
    when(io.in.valid.and(inReady), () => {
      full.next(1);
      data.next(io.in.data);
    });
    return io;
  },
);

export function stageDesign(width: number): EmittedDesign {
  return emitVerilog(elaborate(Stage, { width }));
}
