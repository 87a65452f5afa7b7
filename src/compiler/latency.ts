// The first image's latency: cycles from its first input beat to its result (the arg-max
// index, or the last layer's last output beat), with the input always valid and the output
// always ready. The one implementation; report.json, report.md, `loom gen` and the golden
// engine of `loom sim` all print this number.
//
// Layers overlap: a layer starts on an image as soon as its first window (or input vector
// word) is there, long before the layer before it is done. So the latency is not a sum of
// per-layer times. It is computed beat by beat instead: every stream of the chain gets the
// cycle at which each of the image's beats is transferred, and every block turns the cycles of
// its input beats into those of its output beats by the schedule its RTL implements — the
// FIFO's and width converter's registers, the padding unit's skid buffer, the sliding window's
// line buffer (a beat is read the cycle after it was written; writes wait while the buffer
// holds the current window's rows), the MVAU's double-banked input buffer, its flat NF × SF
// issue loop and its pipeline, the max-pool's window and output register, the arg-max
// register — including backpressure: each block also waits for its consumer (credit queues,
// skid buffers, FIFO room), which the passes of `streamTimes` settle. Each pass is linear in
// the image's beats (a neuron fold's replays are counted in closed form): 0.1–0.2 s for the
// pneumonia CNN, milliseconds for an MLP. Without stalls it is exact: test/compiler/
// latency.test.ts compares every stream with the interpreter, and the compile-sim tests the
// end-to-end number with Verilator (docs/compiler.md, "latency").

import { type PaddingParams, paddingShape } from "../lib/conv/padding.js";
import {
  type SlidingWindowParams,
  slidingWindowShape,
  WINDOW_QUEUE_DEPTH,
} from "../lib/conv/window-shape.js";
import { argmaxPipelineStages } from "../lib/labelselect/argmax.js";
import type { MvauShape } from "../lib/mvau/params.js";
import { fifoLatency, resolveFifoStyle } from "../lib/stream/fifo.js";
import { SKID_BUFFER_LATENCY } from "../lib/stream/skid-buffer.js";
import { converterWordWidth } from "../lib/stream/width-converter.js";
import type { AcceleratorPlan } from "./plan.js";
import { layerInstanceName } from "./weight-stream.js";

/** Cycle of each beat of one image on a stream (input beat 0 offered in cycle 0). */
type Times = Float64Array;

/**
 * One block's schedule: from the cycles its input beats are offered and its output beats were
 * taken (by the consumer, in the previous pass; undefined in the first), the cycles it accepts
 * its input beats and offers its output beats.
 */
type Schedule = (offered: Times, taken: Times | undefined) => { accepted: Times; offers: Times };

/** Cycles from a window beat's issue to its offer: the line buffer's read register and the credit queue's slot. */
const WINDOW_READ_LATENCY = 2;
/** Beats the skid buffer holds (its output register and the skid register). */
const SKID_BEATS = 2;
/** Passes after which a schedule that still moves is reported as a bug. */
const MAX_PASSES = 1000;

/** Latency of the plan's first image, in cycles (see the file comment). */
export function firstImageLatency(plan: AcceleratorPlan): number {
  const stages = streamTimes(plan);
  const input = stages[0]!.times;
  const last = stages[stages.length - 1]!.times;
  return last[last.length - 1]! - input[0]!;
}

/**
 * Every stream of the chain in data-flow order, named after the block that drives it (an
 * instance name of accelerator.ts, `input` for s_axis), with the cycle each of the first
 * image's beats is transferred. The blocks are scheduled in passes, each with its consumer's
 * acceptances of the pass before, until nothing moves (the least fixed point of the
 * schedule's max-plus recurrences: times only grow from pass to pass).
 */
export function streamTimes(plan: AcceleratorPlan): Array<{ block: string; times: Times }> {
  const blocks = chain(plan);
  const inputBeats = plan.inputLength / plan.inputPerBeat;
  let taken: Times[] = [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    // The host offers the next input beat in the cycle after the last one went in.
    const firstTaken = taken[0];
    let offered: Times = Float64Array.from({ length: inputBeats }, (_, k) =>
      k === 0 || !firstTaken ? k : firstTaken[k - 1]! + 1,
    );
    const next: Times[] = [];
    const offers: Times[] = [offered];
    blocks.forEach((b, i) => {
      const r = b.schedule(offered, taken[i + 1]);
      next.push(r.accepted);
      offers.push(r.offers);
      offered = r.offers;
    });
    // The output port is always ready.
    next.push(offered);
    if (next.every((t, i) => taken[i] !== undefined && sameTimes(t, taken[i]!)))
      return [
        { block: "input", times: next[0]! },
        ...blocks.map((b, i) => ({ block: b.name, times: next[i + 1]! })),
      ];
    taken = next;
  }
  throw new Error(`latency model: the schedule of ${plan.topName} did not settle in ${MAX_PASSES} passes`);
}

function sameTimes(a: Times, b: Times): boolean {
  return a.length === b.length && a.every((t, k) => t === b[k]);
}

/** The accelerator's blocks in data-flow order (accelerator.ts), each with its schedule. */
function chain(plan: AcceleratorPlan): Array<{ name: string; schedule: Schedule }> {
  const blocks: Array<{ name: string; schedule: Schedule }> = [];
  let width = plan.inputPerBeat * plan.inputType.bits;
  plan.layers.forEach((layer, i) => {
    const name = layerInstanceName(i, layer);
    const depth = plan.links[i]!.fifoDepth;
    if (depth > 0) blocks.push({ name: `fifo${i}`, schedule: fifo(depth, width) });
    if (width !== layer.inWidth)
      blocks.push({ name: `dwc${i}`, schedule: widthConverter(width, layer.inWidth) });
    const conv = layer.conv;
    if (conv?.padding) blocks.push({ name: `${name}_padding`, schedule: padding(conv.padding) });
    if (conv)
      blocks.push({
        name: `${name}_window`,
        schedule: conv.window.parallel ? parallelWindow(conv.window) : slidingWindow(conv.window),
      });
    blocks.push({ name, schedule: mvau(layer.shape) });
    if (conv?.pool)
      blocks.push({
        name: `${name}_pool`,
        schedule: maxPool({ ...conv.pool, elementBits: layer.shape.outElementBits }),
      });
    width = layer.shape.outWidth;
  });
  if (plan.argmax) blocks.push({ name: "argmax", schedule: argmax(argmaxPipelineStages(plan.argmax)) });
  return blocks;
}

/** When output beat k was taken: in the previous pass, and never before it was offered. */
function takenAt(taken: Times | undefined, offers: Times, k: number): number {
  if (k < 0) return -Infinity;
  return Math.max(offers[k]!, taken?.[k] ?? -Infinity);
}

/**
 * A FIFO of `depth` beats: a beat goes in when there is room (or one leaves in the same
 * cycle), and is offered its style's latency later, after the beat before it has left.
 */
function fifo(depth: number, width: number): Schedule {
  const latency = fifoLatency(resolveFifoStyle(depth, width));
  return (offered, taken) => {
    const accepted = new Float64Array(offered.length);
    const offers = new Float64Array(offered.length);
    let last = -Infinity;
    offered.forEach((t, k) => {
      last = Math.max(t, last + 1, takenAt(taken, offers, k - depth));
      accepted[k] = last;
      offers[k] = Math.max(last + latency, takenAt(taken, offers, k - 1) + 1);
    });
    return { accepted, offers };
  };
}

/**
 * The registered width converter: k input beats make a word, which is offered as m output
 * beats from the cycle after its last input beat; a word's last input beat waits for the
 * previous word's last output beat to leave.
 */
function widthConverter(inWidth: number, outWidth: number): Schedule {
  const word = converterWordWidth(inWidth, outWidth);
  const k = word / inWidth;
  const m = word / outWidth;
  return (offered, taken) => {
    const words = Math.ceil(offered.length / k);
    const accepted = new Float64Array(offered.length);
    const offers = new Float64Array(words * m);
    let last = -Infinity;
    for (let w = 0; w < words; w++) {
      const end = Math.min((w + 1) * k, offered.length);
      for (let b = w * k; b < end; b++) {
        last = Math.max(offered[b]!, last + 1, b === end - 1 ? takenAt(taken, offers, w * m - 1) : -Infinity);
        accepted[b] = last;
      }
      for (let s = 0; s < m; s++)
        offers[w * m + s] = Math.max(last + 1, s > 0 ? takenAt(taken, offers, w * m + s - 1) + 1 : -Infinity);
    }
    return { accepted, offers };
  };
}

/**
 * A skid buffer's side of a block that sends beat j in cycle `send` (the beat is accepted when
 * the buffer holds fewer than two beats): the cycle it goes in, and its offer.
 */
function throughSkid(send: number, j: number, taken: Times | undefined, offers: Times): number {
  const sent = Math.max(send, takenAt(taken, offers, j - SKID_BEATS) + 1);
  offers[j] = Math.max(sent + SKID_BUFFER_LATENCY, takenAt(taken, offers, j - 1) + 1);
  return sent;
}

/** The padding unit: one padded beat per cycle, an image beat once it is offered, through a skid buffer. */
function padding(p: PaddingParams): Schedule {
  const s = paddingShape(p);
  const { top, left } = p.padding;
  return (offered, taken) => {
    const accepted = new Float64Array(offered.length);
    const offers = new Float64Array(s.outBeats);
    // Pad beats need no input: the first can be sent in cycle 0.
    let sent = -1;
    let i = 0;
    let j = 0;
    for (let y = 0; y < s.outHeight; y++)
      for (let x = 0; x < s.outWidth; x++) {
        const inside = y >= top && y < top + p.height && x >= left && x < left + p.width;
        for (let f = 0; f < s.cf; f++, j++) {
          sent = throughSkid(Math.max(sent + 1, inside ? offered[i]! : -Infinity), j, taken, offers);
          if (inside) accepted[i++] = sent;
        }
      }
    return { accepted, offers };
  };
}

/**
 * The sliding window (sliding-window.ts): input beat g is written once offered and once the
 * buffer has room, i.e. once the window whose first beat is above g − D is the current one
 * (from the cycle the window before it issues its last beat, which frees a slot); a window
 * beat issues one per cycle, the cycle after it was written, with a free slot in the
 * three-beat credit queue, and is offered two cycles later. `take` says when the consumer
 * takes window beat k offered in cycle `offer` (the max-pool's comparators decide it inside).
 */
function windowSchedule(
  p: SlidingWindowParams,
  offered: Times,
  take: (k: number, offers: Times) => number,
): { accepted: Times; offers: Times } {
  const s = slidingWindowShape(p);
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.stride;
  const D = s.depth;
  const bases: number[] = [];
  for (let oy = 0; oy < s.outHeight; oy++)
    for (let ox = 0; ox < s.outWidth; ox++) bases.push((oy * sh * p.width + ox * sw) * s.cf);
  const advance = new Float64Array(bases.length);
  const accepted = new Float64Array(offered.length);
  const offers = new Float64Array(s.outBeats);
  const takenBeats = new Float64Array(s.outBeats);
  let writes = 0;
  let lastWrite = -Infinity;
  // The first window whose base is above g − D: it must be current before beat g is written.
  let current = 0;
  const writeUpTo = (g: number) => {
    for (; writes <= g; writes++) {
      while (current < bases.length && bases[current]! <= writes - D) current++;
      const room = current === 0 ? -Infinity : advance[current - 1]! + (s.minDepth > 1 ? 0 : 1);
      lastWrite = Math.max(offered[writes]!, lastWrite + 1, room);
      accepted[writes] = lastWrite;
    }
  };
  let issue = -Infinity;
  let k = 0;
  bases.forEach((base, w) => {
    for (let r = 0; r < kh; r++)
      for (let b = 0; b < kw * s.cf; b++, k++) {
        const g = base + r * p.width * s.cf + b;
        writeUpTo(g);
        const credit = k >= WINDOW_QUEUE_DEPTH ? takenBeats[k - WINDOW_QUEUE_DEPTH]! + 1 : -Infinity;
        issue = Math.max(issue + 1, accepted[g]! + 1, credit);
        offers[k] = Math.max(issue + WINDOW_READ_LATENCY, k > 0 ? takenBeats[k - 1]! + 1 : -Infinity);
        takenBeats[k] = take(k, offers);
      }
    advance[w] = issue;
  });
  // Beats after the last window's are not needed for this image.
  return { accepted: accepted.subarray(0, writes), offers };
}

function slidingWindow(p: SlidingWindowParams): Schedule {
  return (offered, taken) => windowSchedule(p, offered, (k, offers) => takenAt(taken, offers, k));
}

/**
 * The parallel window (parallel-window.ts): one pixel per cycle; a pixel that ends a window is
 * taken only with a free slot in the output queue, and its window is offered from the queue
 * `WINDOW_READ_LATENCY` cycles later (the column register, then the queue's slot).
 */
function parallelWindow(p: SlidingWindowParams): Schedule {
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.stride;
  const endsWindow = (y: number, x: number) =>
    y >= kh - 1 && x >= kw - 1 && (y - kh + 1) % sh === 0 && (x - kw + 1) % sw === 0;
  return (offered, taken) => {
    const s = slidingWindowShape({ ...p, parallel: true });
    const accepted = new Float64Array(offered.length);
    const offers = new Float64Array(s.outHeight * s.outWidth);
    const takenBeats = new Float64Array(offers.length);
    let last = -Infinity;
    let k = 0;
    for (let g = 0; g < offered.length; g++) {
      const ends = endsWindow(Math.floor(g / p.width) % p.height, g % p.width);
      const credit = ends && k >= WINDOW_QUEUE_DEPTH ? takenBeats[k - WINDOW_QUEUE_DEPTH]! + 1 : -Infinity;
      last = Math.max(offered[g]!, last + 1, credit);
      accepted[g] = last;
      if (!ends) continue;
      offers[k] = Math.max(last + WINDOW_READ_LATENCY, k > 0 ? takenBeats[k - 1]! + 1 : -Infinity);
      takenBeats[k] = takenAt(taken, offers, k);
      k++;
    }
    return { accepted, offers };
  };
}

/**
 * The max-pool: its window's beats go to comparators, which take them as offered, except a
 * window's last position (CF beats), which goes through the output skid buffer.
 */
function maxPool(p: SlidingWindowParams): Schedule {
  const s = slidingWindowShape(p);
  const lastPosition = (p.kernel[0] * p.kernel[1] - 1) * s.cf;
  return (offered, taken) => {
    const offers = new Float64Array(s.outHeight * s.outWidth * s.cf);
    const { accepted } = windowSchedule(p, offered, (k, beats) => {
      const inWindow = k % s.windowBeats;
      if (inWindow < lastPosition) return beats[k]!;
      const j = Math.floor(k / s.windowBeats) * s.cf + inWindow - lastPosition;
      return throughSkid(beats[k]!, j, taken, offers);
    });
    return { accepted, offers };
  };
}

/**
 * The MVAU (mvau.ts): input word sf of vector v is written once offered and once a bank is
 * free (vector v − 2 released); iterations (nf, sf) issue one per cycle, a word the cycle after
 * it was written, a neuron fold's last one only with a free slot in the output queue; its
 * output beat is offered `pipelineDepth + 1` cycles later. After the first neuron fold the
 * vector is in the bank, so the other folds wait only for queue slots.
 */
function mvau(shape: MvauShape): Schedule {
  const { sf, nf, pipelineDepth, queueDepth } = shape;
  return (offered, taken) => {
    const vectors = offered.length / sf;
    const accepted = new Float64Array(offered.length);
    const offers = new Float64Array(vectors * nf);
    const released = new Float64Array(vectors);
    let write = -Infinity;
    let issue = -Infinity;
    for (let v = 0; v < vectors; v++) {
      const bankFree = v >= 2 ? released[v - 2]! + 1 : -Infinity;
      for (let n = 0; n < nf; n++) {
        const beat = v * nf + n;
        const credit = takenAt(taken, offers, beat - queueDepth) + 1;
        if (n === 0) {
          for (let s = 0; s < sf; s++) {
            write = Math.max(offered[v * sf + s]!, write + 1, bankFree);
            accepted[v * sf + s] = write;
            issue = Math.max(issue + 1, write + 1, s === sf - 1 ? credit : -Infinity);
          }
        } else issue = Math.max(issue + sf, credit);
        offers[beat] = Math.max(issue + pipelineDepth + 1, takenAt(taken, offers, beat - 1) + 1);
      }
      released[v] = issue;
    }
    return { accepted, offers };
  };
}

/** The arg-max: its result register is loaded with the vector's last score beat, out of its comparison tree's stages. */
const argmax =
  (stages: number): Schedule =>
  (offered) => ({
    accepted: offered,
    offers: Float64Array.of(offered[offered.length - 1]! + 1 + stages),
  });
