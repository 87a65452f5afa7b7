// The sliding-window unit (FINN's ConvolutionInputGenerator): an NHWC image streams in as
// C/SIMD beats per pixel; for every output pixel, row-major, the KH·KW·C window streams out in
// FINN's order (kh, kw, channel fold, SIMD), which is the MVAU's input vector of a convolution.
//
// The line buffer is a circular memory of D beats, at least ((KH − 1)·W + KW)·CF (the smallest
// that holds a whole window; window-shape.ts adds FINN's slack for strides). Input beat g of
// the stream goes to address g mod D. The reader walks the current window at offsets
// o = (kh·W + kw)·CF + cf from the window's first beat (`base`). One signed register, `lead`,
// counts beats written past `base`, so:
//   * beat base + o is present iff o < lead (the reader may issue it);
//   * the writer may overwrite the oldest slot iff lead < D (every beat before `base` is dead:
//     later windows only start later), or when the window's last beat issues this cycle.
// When a window is done, `base` jumps by a constant (next column, next row or next image) and
// `lead` drops by it; it goes negative when the jump skips beats not written yet (rows or
// columns no window uses, the tail of an image), which the writer then fills and discards.
// A read and a write never hit the same address in one cycle (see `room` below).
//
// The reader issues one beat per cycle into a credit queue (credit-queue.ts), so the consumer's
// `ready` never reaches the memory or the counters; `in_ready` comes from registers only.
import {
  addressWidth,
  connect,
  defineModule,
  fire,
  input,
  instance,
  lit,
  mux,
  named,
  output,
  ports,
  ram,
  reg,
  regNext,
  SInt,
  type Signal,
  Stream,
  UInt,
  when,
} from "../../dsl/index.js";
import { addMod, counter, step } from "../counters.js";
import { CreditQueue } from "../stream/credit-queue.js";
import { widthFor } from "../stream/stream-types.js";
import {
  type SlidingWindowParams,
  slidingWindowShape,
  WINDOW_QUEUE_DEPTH,
  windowGeometryName,
} from "./window-shape.js";

function moduleName(p: SlidingWindowParams): string {
  return `${p.name ?? "SlidingWindow"}_${windowGeometryName(p)}_simd${p.simd}_b${p.elementBits}`;
}

export const SlidingWindow = defineModule(moduleName, (p: SlidingWindowParams) => {
  const s = slidingWindowShape(p);
  const [kh, kw] = p.kernel;
  const D = s.depth;
  const io = ports({ in: input(Stream(UInt(s.beatWidth))), out: output(Stream(UInt(s.beatWidth))) });
  const aw = addressWidth(D);

  // `lead` spans −(largest jump) … D.
  const leadType = SInt(widthFor(Math.max(D, s.nextColumn, s.nextRow, s.nextImage)) + 1);
  const lead = reg("lead", leadType, { init: 0 }) as Signal;
  const writeAddr = reg("writeAddr", UInt(aw), { init: 0 }) as Signal;
  const buffer = ram("lineBuffer", UInt(s.beatWidth), D, { style: s.memory });

  const write = named("write", fire(io.in));
  buffer.write(writeAddr, io.in.data, write);
  when(write, () => writeAddr.next(addMod(writeAddr, 1, D)));

  // ---- Reader: for oy, ox, kh, (kw, cf) one beat per cycle ------------------------------------
  const rowBeats = kw * s.cf;
  const inRow = counter("inRow", rowBeats - 1);
  const kRow = counter("kernelRow", kh - 1);
  const ox = counter("outX", s.outWidth - 1);
  const oy = counter("outY", s.outHeight - 1);
  const offset = reg("offset", UInt(aw), { init: 0 }) as Signal;
  const readAddr = reg("readAddr", UInt(aw), { init: 0 }) as Signal;
  const baseAddr = reg("baseAddr", UInt(aw), { init: 0 }) as Signal;

  const queue = instance("outputQueue", CreditQueue, { depth: WINDOW_QUEUE_DEPTH, width: s.beatWidth });
  connect(io.out, queue.out);
  const present = named("present", offset.zext(leadType.width).asSInt().lt(lead));
  const issue = named("issue", present.and(queue.canReserve));
  const rowEnd = inRow.eq(rowBeats - 1);
  const windowEnd = rowEnd.and(kRow.eq(kh - 1));
  const columnEnd = ox.eq(s.outWidth - 1);
  const imageEnd = columnEnd.and(oy.eq(s.outHeight - 1));
  const advance = named("advance", issue.and(windowEnd));
  // Writes go to slot base + lead, reads to base + o with 0 ≤ o < lead ≤ D: different slots
  // unless lead = D. The window's first slot is dead once its last beat issues, so the writer
  // may take it (lead = D) in that cycle: the read is then at base + minDepth − 1, a different
  // slot unless minDepth = 1.
  const room = lead.lt(lit(D, leadType));
  io.in.ready.set(s.minDepth > 1 ? room.or(advance) : room);

  const jump = (n: number) => lit(n, leadType);
  const delta = mux(columnEnd, mux(imageEnd, jump(s.nextImage), jump(s.nextRow)), jump(s.nextColumn));
  const nextBase = named(
    "nextBase",
    mux(
      columnEnd,
      mux(imageEnd, addMod(baseAddr, s.nextImage, D), addMod(baseAddr, s.nextRow, D)),
      addMod(baseAddr, s.nextColumn, D),
    ),
  );
  const added = mux(write, jump(1), jump(0));
  lead.next(lead.add(added).sub(mux(advance, delta, jump(0))));

  step(inRow, rowBeats - 1, issue);
  step(kRow, kh - 1, issue.and(rowEnd));
  step(ox, s.outWidth - 1, advance);
  step(oy, s.outHeight - 1, advance.and(columnEnd));
  when(issue, () => {
    offset.next(offset.add(1));
    readAddr.next(addMod(readAddr, 1, D));
    if (kh > 1) {
      // From the last beat of kernel row kh to the first of row kh + 1.
      const rowJump = (p.width - kw) * s.cf + 1;
      when(rowEnd, () => {
        offset.next(offset.add(lit(rowJump, UInt(aw))));
        readAddr.next(addMod(readAddr, rowJump, D));
      });
    }
    when(windowEnd, () => {
      offset.next(0);
      readAddr.next(nextBase);
      baseAddr.next(nextBase);
    });
  });

  queue.reserve.set(issue);
  queue.enq.set(regNext("readValid", issue, 0));
  queue.enqData.set(buffer.read(readAddr, issue));
  return io;
});
