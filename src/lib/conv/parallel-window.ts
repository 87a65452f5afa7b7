// The parallel sliding window (FINN's RTL ConvolutionInputGenerator in parallel-window mode): an
// NHWC image streams in one whole pixel (C channels) per beat, and for every output pixel,
// row-major, the whole KH·KW·C window leaves as ONE beat, value (kh·KW + kw)·C + c in the low
// bits first: the MVAU's input vector of a convolution at SIMD = KH·KW·C, SF = 1. So the
// window costs one cycle per input pixel, not one per window element.
//
// Structure: a line buffer of W words, word x holding the KH − 1 pixels above the current one in
// column x (oldest row in the low bits), and a register window of KH × (KW − 1) pixels, the
// columns left of the current one. Input pixel (y, x) reads word x (stage A); a cycle later
// (stage B) the column {word x, pixel} is complete: the window is the registers beside that
// column, the registers shift left by one column, and word x is written back one row on (its
// oldest pixel dropped, the new one on top). The next pixel reads x + 1 while word x is
// written, so read and write never meet (W ≥ 2, parallelWindowProblem). A pixel completes a
// window when y ≥ KH − 1 and x ≥ KW − 1 on the stride's grid.
//
// Stage A reserves a slot in a credit queue (credit-queue.ts) for every pixel that completes a
// window, so `in_ready` comes from registers only and the consumer's `ready` never reaches the
// memory or the counters.
import {
  cat,
  connect,
  defineModule,
  type Expr,
  fire,
  input,
  instance,
  named,
  output,
  ports,
  ram,
  reg,
  regEnable,
  regNext,
  type Signal,
  Stream,
  UInt,
  when,
} from "../../dsl/index.js";
import { counter, step } from "../counters.js";
import { CreditQueue } from "../stream/credit-queue.js";
import { SlidingWindow } from "./sliding-window.js";
import {
  type SlidingWindowParams,
  slidingWindowShape,
  WINDOW_QUEUE_DEPTH,
  windowGeometryName,
} from "./window-shape.js";

function moduleName(p: SlidingWindowParams): string {
  return `${p.name ?? "ParallelWindow"}_${windowGeometryName(p)}_par_b${p.elementBits}`;
}

/**
 * Whether this input pixel's coordinate along one axis ends a window: at or past kernel − 1
 * and on the stride's grid. `phase` counts (coordinate − kernel + 1) mod stride from there on.
 */
function onGrid(
  name: string,
  position: Signal,
  kernel: number,
  stride: number,
  advance: Expr,
  restart: Expr,
) {
  const past = kernel > 1 ? position.ge(kernel - 1) : undefined;
  if (stride === 1) return past;
  const phase = counter(`${name}Phase`, stride - 1);
  step(phase, stride - 1, past ? advance.and(past) : advance);
  when(restart, () => phase.next(0));
  const aligned = phase.eq(0);
  return past ? past.and(aligned) : aligned;
}

export const ParallelWindow = defineModule(moduleName, (p: SlidingWindowParams) => {
  const s = slidingWindowShape({ ...p, parallel: true });
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.stride;
  const pixelBits = s.beatWidth;
  const io = ports({ in: input(Stream(UInt(pixelBits))), out: output(Stream(UInt(s.outBeatWidth))) });

  // ---- Stage A: count the pixel, read its column's word, reserve a slot if it ends a window --
  const x = counter("x", p.width - 1);
  const y = counter("y", p.height - 1);
  const queue = instance("outputQueue", CreditQueue, { depth: WINDOW_QUEUE_DEPTH, width: s.outBeatWidth });
  connect(io.out, queue.out);
  const accept = named("accept", fire(io.in));
  const rowEnd = x.eq(p.width - 1);
  const imageEnd = rowEnd.and(y.eq(p.height - 1));
  const column = onGrid("column", x, kw, sw, accept, accept.and(rowEnd));
  const row = onGrid("row", y, kh, sh, accept.and(rowEnd), accept.and(imageEnd));
  const ends = column && row ? column.and(row) : (column ?? row);
  const endsWindow = ends ? named("endsWindow", ends) : undefined;
  // Without `endsWindow` (a 1×1 window at stride 1) every pixel ends a window and needs a slot.
  io.in.ready.set(endsWindow ? endsWindow.not().or(queue.canReserve) : queue.canReserve);
  step(x, p.width - 1, accept);
  step(y, p.height - 1, accept.and(rowEnd));
  queue.reserve.set(endsWindow ? accept.and(endsWindow) : accept);

  // ---- Stage B: the column is complete; emit the window, shift, write the word back ----------
  const columnValid = regNext("columnValid", accept, 0);
  const pixel = regEnable("pixel", io.in.data, accept);
  const columnPixels: Expr[] = [];
  if (kh > 1) {
    const buffer = ram("lineBuffer", UInt(s.lineWidth), s.depth, { style: s.memory });
    const word = buffer.read(x, accept);
    for (let r = 0; r < kh - 1; r++) columnPixels.push(word.bits((r + 1) * pixelBits - 1, r * pixelBits));
    const writeAddr = regEnable("writeAddr", x, accept);
    // One row on: drop the oldest pixel (low bits), the new one on top.
    const shifted = kh > 2 ? cat(pixel, word.bits(s.lineWidth - 1, pixelBits)) : pixel;
    buffer.write(writeAddr, shifted, columnValid);
  }
  columnPixels.push(pixel);

  // registers[r][k]: row r of the window, column x − KW + 1 + k (k < KW − 1).
  const registers = columnPixels.map((_, r) =>
    Array.from(
      { length: kw - 1 },
      (_, k) => reg(`window_r${r}_c${k}`, UInt(pixelBits), { init: 0 }) as Signal,
    ),
  );
  when(columnValid, () => {
    registers.forEach((rowRegs, r) => {
      rowRegs.forEach((reg_, k) => reg_.next(k < kw - 2 ? rowRegs[k + 1]! : columnPixels[r]!));
    });
  });
  // Slot (kh, kw) of the beat, most significant first for cat.
  const slots = columnPixels.flatMap((pix, r) => [...registers[r]!, pix]);
  queue.enq.set(endsWindow ? columnValid.and(regEnable("emit", endsWindow, accept)) : columnValid);
  queue.enqData.set(cat(...slots.slice().reverse()));
  return io;
});

/** The window block a window's parameters ask for: parallel or one SIMD beat at a time. */
export function windowBlock(p: SlidingWindowParams): typeof SlidingWindow {
  return p.parallel ? ParallelWindow : SlidingWindow;
}
