// TLAST for a DMA: marks the last beat of every batch of N images on an output stream, as
// FINN's TLastMarker does. An AXI DMA's S2MM channel ends a transfer only on TLAST, so
// without it the host's receive would never complete. N comes from a register (the AXI4-Lite
// batch size), followed while no batch is in flight and held from the moment a batch's first
// beat is offered, so TLAST stays stable under backpressure and rewriting N mid-batch only
// affects the next batch; 0 counts as 1.
import {
  Bool,
  defineModule,
  ElaborationError,
  fire,
  input,
  lit,
  mux,
  output,
  ports,
  reg,
  Stream,
  UInt,
  when,
} from "../../dsl/index.js";
import { StreamWithLast, widthFor } from "../stream/index.js";

export interface TlastMarkerParams {
  /** tdata bits of the stream. */
  width: number;
  /** Beats that make one image's output. */
  beatsPerImage: number;
}

/** Width of the batch-size and image-counter registers. */
export const BATCH_COUNT_BITS = 32;

export const TlastMarker = defineModule(
  (p: TlastMarkerParams) => `TlastMarker_w${p.width}_b${p.beatsPerImage}`,
  (p: TlastMarkerParams) => {
    if (!Number.isInteger(p.beatsPerImage) || p.beatsPerImage < 1)
      throw new ElaborationError(`TlastMarker needs beatsPerImage ≥ 1, got ${p.beatsPerImage}`);
    const io = ports({
      in: input(Stream(UInt(p.width))),
      out: output(StreamWithLast(UInt(p.width))),
      /** Images per batch (the register; held from each batch's first offered beat). */
      batch_size: input(UInt(BATCH_COUNT_BITS)),
      /** High in the cycle an image's last beat leaves. */
      image_done: output(Bool),
    });
    const N = UInt(BATCH_COUNT_BITS);
    const beatWidth = widthFor(p.beatsPerImage - 1);
    const beat = reg("beat", UInt(beatWidth), { init: 0 });
    const image = reg("image", N, { init: 0 });
    const latched = reg("batch_latched", N, { init: 1 });

    const firstOfBatch = beat.eq(0).and(image.eq(0));
    const requested = mux(io.batch_size.eq(0), lit(1, N), io.batch_size);
    const lastBeatOfImage = beat.eq(p.beatsPerImage - 1);
    const lastImageOfBatch = image.add(1).eq(latched);
    const moved = fire(io.out);

    io.out.valid.set(io.in.valid);
    io.out.data.set(io.in.data);
    io.out.last.set(lastBeatOfImage.and(lastImageOfBatch));
    io.in.ready.set(io.out.ready);
    io.image_done.set(moved.and(lastBeatOfImage));

    when(firstOfBatch.and(io.in.valid.not()), () => latched.next(requested));
    when(moved, () => {
      beat.next(mux(lastBeatOfImage, lit(0, UInt(beatWidth)), beat.add(1)));
      when(lastBeatOfImage, () => image.next(mux(lastImageOfBatch, lit(0, N), image.add(1))));
    });
    return io;
  },
);
