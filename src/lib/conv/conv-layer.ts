// A convolution layer as FINN builds one: [padding →] sliding window → MVAU. The window unit
// turns the image into one KH·KW·C vector per output pixel in (kh, kw, c) order, so the MVAU
// runs unchanged with MW = KH·KW·C, MH = OC and the weight matrix row o = output channel o in
// that order; its cycles are OH·OW·(KH·KW·C / SIMD)·(OC / PE) per image. The window unit and
// the MVAU share SIMD (one beat is SIMD channels of one window position), except at
// SIMD = KH·KW·C, where the parallel window takes one pixel (C channels) per beat and emits the
// whole window as one beat (convWindowFolding).

import type { Padding2d } from "../../core/window.js";
import {
  connect,
  defineModule,
  ElaborationError,
  input,
  instance,
  output,
  ports,
  Stream,
  UInt,
  type Value,
} from "../../dsl/index.js";
import { Mvau, type MvauParams, mvauShape } from "../mvau/index.js";
import type { StreamEnd } from "../stream/stream-types.js";
import { Padding, paddingShape } from "./padding.js";
import { windowBlock } from "./parallel-window.js";
import { convWindowFolding, type SlidingWindowParams, slidingWindowShape } from "./window-shape.js";

export interface ConvLayerParams extends Omit<MvauParams, "mw" | "mh"> {
  /** Unpadded input image. */
  height: number;
  width: number;
  channels: number;
  kernel: readonly [number, number];
  stride: readonly [number, number];
  padding?: Padding2d;
  /** The input code that represents 0.0; needed when there is padding. */
  padValue?: bigint;
  /** Line-buffer depth and memory of the window unit (see SlidingWindowParams). */
  windowDepth?: number;
  windowMemory?: SlidingWindowParams["memory"];
}

function hasPadding(p: ConvLayerParams): p is ConvLayerParams & { padding: Padding2d } {
  const d = p.padding;
  return d !== undefined && d.top + d.bottom + d.left + d.right > 0;
}

function padCode(p: ConvLayerParams): bigint {
  if (p.padValue === undefined)
    throw new ElaborationError(
      `${p.name ?? "conv layer"}: padding needs padValue, the input code that represents 0.0`,
    );
  return p.padValue;
}

/** The layer's three blocks' parameters. */
export function convLayerParts(p: ConvLayerParams) {
  const prefix = p.name ?? "Conv";
  const fold = convWindowFolding(p.kernel, p.channels, p.simd);
  const padding = hasPadding(p)
    ? {
        name: `${prefix}_pad`,
        height: p.height,
        width: p.width,
        channels: p.channels,
        simd: fold.simd,
        dataType: p.inputType,
        padding: p.padding,
        padValue: padCode(p),
      }
    : undefined;
  const padded = padding ? paddingShape(padding) : { outHeight: p.height, outWidth: p.width };
  const window: SlidingWindowParams = {
    name: `${prefix}_window`,
    height: padded.outHeight,
    width: padded.outWidth,
    channels: p.channels,
    kernel: p.kernel,
    stride: p.stride,
    elementBits: p.inputType.bits,
    depth: p.windowDepth,
    memory: p.windowMemory,
    ...fold,
  };
  const { height, width, channels, kernel, stride, padValue, windowDepth, windowMemory, ...rest } = p;
  const mvau: MvauParams = {
    ...rest,
    name: `${prefix}_mvau`,
    mw: p.kernel[0] * p.kernel[1] * p.channels,
    mh: p.weights.length,
  };
  return { padding, window, mvau };
}

export const ConvLayer = defineModule(
  (p: ConvLayerParams) => `${p.name ?? "Conv"}_layer`,
  (p: ConvLayerParams) => {
    const parts = convLayerParts(p);
    const shape = mvauShape(parts.mvau);
    const inWidth = slidingWindowShape(parts.window).beatWidth;
    const io = ports({ in: input(Stream(UInt(inWidth))), out: output(Stream(UInt(shape.outWidth))) });
    type Ends = { in: StreamEnd<Value>; out: StreamEnd<Value> };
    let stream: StreamEnd<Value> = io.in;
    const chain = (block: Ends) => {
      connect(block.in, stream);
      stream = block.out;
    };
    if (parts.padding) chain(instance("padding", Padding, parts.padding));
    chain(instance("window", windowBlock(parts.window), parts.window));
    chain(instance("mvau", Mvau, parts.mvau));
    connect(io.out, stream);
    return io;
  },
);
