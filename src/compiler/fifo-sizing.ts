// FIFO depths between layers, from each layer's production and consumption pattern.
//
// A layer emits its NF output beats one per SF cycles while it computes a vector. A dense
// layer reads its input vector into a double-banked buffer: while one bank is replayed for its
// NF neuron folds, the other bank accepts the next vector at up to one beat per cycle. So a
// consumer running at the pipeline's rate always has a free bank for the beats the producer
// emits during one initiation interval, and a consumer that is slower than the producer is the
// pipeline's bottleneck, where waiting producers cost no throughput. Either way the producer
// never waits at steady state because of the link itself: the link needs no elasticity beyond
// one vector, which the consumer's second bank already provides. A two-beat register FIFO is
// kept on every inner link for timing, not capacity: its output data and valid come from
// registers, which cuts the forward path between the two blocks. It does not cut the ready
// path: the FIFO is built with `pipe` (it accepts a beat when full if one leaves in the same
// cycle, so two beats sustain full rate), and its `in_ready` follows `out_ready`
// combinationally. Simulation checks the claim: the measured interval equals the analytic one
// and the occupancy peaks are reported (test/compiler/compile-sim.test.ts).
//
// A conv layer reads through its sliding window, whose line buffer holds one window's rows and
// no more: the next image's first window, ((KH − 1)·W + KW)·C values of the padded image, can
// only be loaded after the previous image's last window has been read. Were the producer
// stalled meanwhile, the load would then run at the producer's rate, which in a balanced
// pipeline is far below one beat per cycle, and every image would pay it. A FIFO that holds
// that load (in the producer's beats, plus the two timing beats) lets the producer run on into
// the next image while the window finishes the last one, so the window loads at one beat per
// cycle, as its cycle formula (slidingWindowCycles) assumes. Capacity never decides
// correctness: the accelerator is one chain of blocks with valid/ready handshakes and no
// reconvergent paths, so any depth is deadlock-free under any backpressure (test/compiler/
// conv-compile-sim.test.ts runs random stalls); the depths only keep the rate.

import { type SlidingWindowParams, slidingWindowShape } from "../lib/conv/window-shape.js";

/** Beats a link should hold; `fromWidth` is the producer's beat width (undefined: the input port), `window` the consumer's sliding window (a conv layer). */
export function linkFifoDepth(fromWidth: number | undefined, window?: SlidingWindowParams): number {
  // The input port feeds the first layer directly: its buffer takes beats as the host sends them.
  if (fromWidth === undefined) return 0;
  if (!window) return 2;
  const loadBits = slidingWindowShape(window).minDepth * window.simd * window.elementBits;
  return Math.ceil(loadBits / fromWidth) + 2;
}
