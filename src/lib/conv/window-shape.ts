// Shapes of the sliding-window unit, computed without building hardware: output size, the
// line buffer, and the constant jumps of the window's first beat (see sliding-window.ts).
import { memoryPlacement } from "../../core/memory-style.js";
import { windowCount } from "../../core/window.js";
import { ElaborationError } from "../../dsl/index.js";

/** Queue slots covering one credit round trip (issue, memory read, queue register). */
export const WINDOW_QUEUE_DEPTH = 3;

export interface SlidingWindowParams {
  /** Optional module-name prefix. */
  name?: string;
  /** Input image (already padded) height and width, and channels. */
  height: number;
  width: number;
  channels: number;
  /** Kernel [KH, KW] and stride [SH, SW]. */
  kernel: readonly [number, number];
  stride: readonly [number, number];
  /** Channels per beat; divides `channels`. */
  simd: number;
  /** Bits per channel value. */
  elementBits: number;
  /**
   * Line-buffer words, at least the minimum ((KH − 1)·W + KW)·CF; default: the minimum plus
   * FINN's slack for strides > 1 (`strideSlack`), which lets the next window's rows load early,
   * and 2 at least.
   */
  depth?: number;
  /** Line-buffer memory; `auto` asks the project's memory policy (src/core/memory-style.ts) as the MVAU input buffer does. */
  memory?: "auto" | "block" | "distributed";
  /**
   * Emit each whole KH·KW·C window as one beat (FINN's parallel window, parallel-window.ts)
   * instead of KH·KW·CF beats of SIMD channels; needs SIMD = C. The MVAU behind it takes
   * SIMD = KH·KW·C (SF = 1). `depth` does not apply: the line buffer is W words of KH − 1 pixels.
   */
  parallel?: boolean;
}

/** The geometry part of a window block's module name: `HxWxC_kKHxKW_sSHxSW`. */
export function windowGeometryName(p: SlidingWindowParams): string {
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.stride;
  return `${p.height}x${p.width}x${p.channels}_k${kh}x${kw}_s${sh}x${sw}`;
}

export interface SlidingWindowShape {
  outHeight: number;
  outWidth: number;
  /** Channel folds: beats per pixel, C / SIMD. */
  cf: number;
  /** Bits per input beat (SIMD · elementBits); also per output beat unless parallel. */
  beatWidth: number;
  /** Whole windows per beat (`parallel`): then one output beat of KH·KW·C values per window. */
  parallel: boolean;
  /** Bits per output beat: beatWidth, or KH·KW·C · elementBits for a parallel window. */
  outBeatWidth: number;
  /** Input beats per image, H·W·CF. */
  inBeats: number;
  /** Output beats per window, KH·KW·CF (1 if parallel), and per image, OH·OW times that. */
  windowBeats: number;
  outBeats: number;
  /** Smallest line buffer, in words (beats): ((KH − 1)·W + KW)·CF, i.e. (KH−1)·W·C + KW·C values. */
  minDepth: number;
  /** Line-buffer words used (a parallel window's: W, or 0 for KH = 1). */
  depth: number;
  /** Bits per line-buffer word: beatWidth, or KH − 1 pixels (C · elementBits each) if parallel. */
  lineWidth: number;
  memory: "block" | "distributed" | "auto";
  /** How far the window's first beat moves: to the next column, the next row, the next image. */
  nextColumn: number;
  nextRow: number;
  nextImage: number;
}

function positive(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 1)
    throw new ElaborationError(`sliding window: ${what} must be an integer ≥ 1, got ${v}`);
}

export function slidingWindowShape(p: SlidingWindowParams): SlidingWindowShape {
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.stride;
  for (const [what, v] of Object.entries({
    height: p.height,
    width: p.width,
    channels: p.channels,
    simd: p.simd,
    elementBits: p.elementBits,
    "kernel height": kh,
    "kernel width": kw,
    "stride height": sh,
    "stride width": sw,
  }))
    positive(what, v);
  if (p.channels % p.simd !== 0)
    throw new ElaborationError(`sliding window: SIMD ${p.simd} does not divide ${p.channels} channels`);
  if (kh > p.height || kw > p.width)
    throw new ElaborationError(
      `sliding window: a ${kh}×${kw} kernel does not fit a ${p.height}×${p.width} image`,
    );
  const problem = p.parallel ? parallelWindowProblem(p) : undefined;
  if (problem) throw new ElaborationError(`parallel window: ${problem}`);
  const cf = p.channels / p.simd;
  const outHeight = windowCount(p.height, kh, sh);
  const outWidth = windowCount(p.width, kw, sw);
  const beatWidth = p.simd * p.elementBits;
  const minDepth = ((kh - 1) * p.width + kw) * cf;
  const parallel = p.parallel === true;
  // Two words at least: with one, a beat could only be written after the previous one was read.
  const depth = parallel ? (kh > 1 ? p.width : 0) : (p.depth ?? Math.max(minDepth + strideSlack(p), 2));
  if (!parallel && (!Number.isInteger(depth) || depth < minDepth))
    throw new ElaborationError(`sliding window: depth ${p.depth} is below the minimum of ${minDepth} beats`);
  const lineWidth = parallel ? (kh - 1) * beatWidth : beatWidth;
  const lastBase = ((outHeight - 1) * sh * p.width + (outWidth - 1) * sw) * cf;
  const rowStart = (outWidth - 1) * sw * cf;
  // The project's one memory policy, asked as the MVAU input buffer asks it (a replayed buffer).
  const place =
    depth > 0 ? memoryPlacement({ use: "buffer", depth, width: lineWidth, choice: p.memory }) : undefined;
  const memory = place?.pinned ? (place.style as "block" | "distributed") : "auto";
  const windowBeats = parallel ? 1 : kh * kw * cf;
  return {
    outHeight,
    outWidth,
    cf,
    beatWidth,
    parallel,
    outBeatWidth: parallel ? kh * kw * beatWidth : beatWidth,
    inBeats: p.height * p.width * cf,
    windowBeats,
    outBeats: outHeight * outWidth * windowBeats,
    minDepth,
    depth,
    lineWidth,
    memory,
    nextColumn: sw * cf,
    nextRow: sh * p.width * cf - rowStart,
    nextImage: p.height * p.width * cf - lastBase,
  };
}

/**
 * Why a window cannot be built in parallel (undefined: it can): the beat must be a whole pixel
 * (SIMD = C), and with KH > 1 the image must be 2 pixels wide at least (the line buffer reads a
 * column in the cycle after the one it was written from an image 1 wide).
 */
export function parallelWindowProblem(p: SlidingWindowParams): string | undefined {
  if (p.simd !== p.channels)
    return `SIMD ${p.simd} must equal the ${p.channels} channels (one pixel per input beat)`;
  if (p.kernel[0] > 1 && p.width < 2)
    return `a ${p.kernel[0]}-row kernel needs an image at least 2 pixels wide, got ${p.width}`;
  return undefined;
}

/**
 * Cycles per image of the window unit at full rate (input always valid, output always ready),
 * steady state. One beat leaves per cycle, and the next image's first window must be loaded
 * after the previous image's last one has been read (the buffer holds no more), so the load
 * shows: at stride 1 exactly OH·OW·KH·KW·CF + (KH − 1)·(W − KW)·CF (asserted in
 * test/lib/conv/blocks-interp.test.ts); at larger strides the whole default buffer,
 * OH·OW·KH·KW·CF + D, a bound (9,405 for 65×65×8, 3×3 stride 2, SIMD 8, measured 9,377; a
 * deeper buffer only lets the writer run further ahead), and never below the H·W·CF input beats.
 */
export function slidingWindowCycles(p: SlidingWindowParams): number {
  const s = slidingWindowShape(p);
  // A parallel window takes one pixel per cycle and never waits for its own reads.
  if (s.parallel) return s.inBeats;
  const [kh, kw] = p.kernel;
  const unitStride = p.stride[0] === 1 && p.stride[1] === 1;
  // A deeper buffer than the default only lets the writer run further ahead.
  const load = unitStride
    ? (kh - 1) * (p.width - kw) * s.cf
    : slidingWindowShape({ ...p, depth: undefined }).depth;
  return Math.max(s.inBeats, s.outBeats + load);
}

/**
 * Cycles per image of a parallel window whose consumer takes `perWindow` cycles for each window
 * (the MVAU's NF = OC/PE at SF = 1), steady state. The window passes one pixel per cycle; a
 * pixel that ends a window waits for a slot in its 3-beat queue. When the consumer is the slower
 * (perWindow ≥ SW), it works OH·OW·perWindow cycles and idles only in the runs of pixels that
 * end no window and outlast the work queued (3 windows): between output rows, SH·W − (OW − 1)·SW
 * − 1 pixels (KW − 1 at stride 1), and between images the tail of one and the first KH − 1 rows
 * and KW − 1 pixels of the next. Never below the H·W input pixels.
 */
export function parallelWindowCycles(p: SlidingWindowParams, perWindow: number): number {
  const s = slidingWindowShape({ ...p, parallel: true });
  if (perWindow < p.stride[1]) return s.inBeats;
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.stride;
  const queued = WINDOW_QUEUE_DEPTH * perWindow;
  const rowGap = sh * p.width - (s.outWidth - 1) * sw - 1;
  const lastEnd = ((s.outHeight - 1) * sh + kh - 1) * p.width + (s.outWidth - 1) * sw + kw - 1;
  const imageGap = (kh - 1) * p.width + kw - 1 + (s.inBeats - 1 - lastEnd);
  const idle = (s.outHeight - 1) * Math.max(0, rowGap - queued) + Math.max(0, imageGap - queued);
  return Math.max(s.inBeats, s.outBeats * perWindow + idle);
}

/**
 * Line-buffer words the compiler gives a window inside a pipeline: the default, and at strides
 * above 1 one more input row (W·CF). With only the default, a strided window (a max-pool with
 * kernel ≠ stride, a stride-2 convolution) holds its producer back while it reads a window, and
 * the two blocks together ran a few percent slower than the slower of them in simulation (164
 * against 160 cycles per image); with the extra row they ran at the slower one's rate.
 */
export function pipelineWindowDepth(p: SlidingWindowParams): number {
  const s = slidingWindowShape({ ...p, depth: undefined });
  if (s.parallel) return s.depth;
  const unitStride = p.stride[0] === 1 && p.stride[1] === 1;
  return unitStride ? s.depth : s.depth + p.width * s.cf;
}

/**
 * Extra words for strided windows, as FINN's RTL sliding window adds them: with a stride above
 * 1 the next window needs beats the minimal buffer cannot take in while the current window is
 * still being read; (SW − 1 − KH·KW)·CF and ((SH − 1)·W − KH·KW)·CF more words (when
 * positive) let the writer run that far ahead.
 */
export function strideSlack(p: SlidingWindowParams): number {
  const cf = p.channels / p.simd;
  const k = p.kernel[0] * p.kernel[1];
  return Math.max(0, (p.stride[1] - 1 - k) * cf) + Math.max(0, ((p.stride[0] - 1) * p.width - k) * cf);
}

/**
 * The window behind a conv layer's MVAU at `simd` (the MVAU's SIMD): SIMD = KH·KW·C with a
 * kernel larger than 1 × 1 is the parallel window (one pixel in per beat, one window out);
 * otherwise SIMD divides C and the window streams SIMD channels per beat.
 */
export function convWindowFolding(
  kernel: readonly [number, number],
  channels: number,
  simd: number,
): { simd: number; parallel?: true } {
  const parallel = simd === parallelWindowSimd(kernel, channels) && kernel[0] * kernel[1] > 1;
  return parallel ? { simd: channels, parallel } : { simd };
}

/** The MVAU SIMD that asks a conv layer for the parallel window: the whole KH·KW·C window. */
export function parallelWindowSimd(kernel: readonly [number, number], channels: number): number {
  return kernel[0] * kernel[1] * channels;
}
