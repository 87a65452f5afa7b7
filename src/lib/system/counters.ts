// On-board measurement: images finished since reset, and the clock cycles one batch takes
// from its first input beat to its TLAST beat (both ends included), so the host can compute
// throughput without trusting its own timers.
import { Bool, defineModule, input, output, ports, reg, UInt, when } from "../../dsl/index.js";
import { BATCH_COUNT_BITS } from "./tlast-marker.js";

export const CYCLE_COUNT_BITS = 64;

export const BatchCounters = defineModule(
  () => "BatchCounters",
  () => {
    const io = ports({
      /** An input beat is transferred this cycle. */
      in_fire: input(Bool),
      /** An image's last output beat is transferred this cycle. */
      image_done: input(Bool),
      /** The TLAST beat (end of a batch) is transferred this cycle. */
      last_fire: input(Bool),
      images: output(UInt(BATCH_COUNT_BITS)),
      cycles: output(UInt(CYCLE_COUNT_BITS)),
    });
    const images = reg("images_q", UInt(BATCH_COUNT_BITS), { init: 0 });
    const cycles = reg("cycles_q", UInt(CYCLE_COUNT_BITS), { init: 0 });
    const running = reg("running", Bool, { init: 0 });
    // A batch starts with the first input beat while no batch is running, and stops at TLAST.
    const start = io.in_fire.and(running.not());
    when(start, () => cycles.next(1)).elsewhen(running, () => cycles.next(cycles.add(1)));
    running.next(running.or(start).and(io.last_fire.not()));
    when(io.image_done, () => images.next(images.add(1)));
    io.images.set(images);
    io.cycles.set(cycles);
    return io;
  },
);
