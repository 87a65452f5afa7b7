// The whole accelerator as one Loom module: AXI4-Stream in, one MVAU per layer (behind a
// conv layer's padding and sliding window, before its max-pool) with FIFOs and width
// converters between layers, an arg-max (label select) at the end, AXI4-Stream out. With
// runtime-writable weights, one more AXI4-Stream input per layer fills its weight memories
// (weight-stream.ts).
import {
  AxiStream,
  connect,
  defineModule,
  input,
  instance,
  type ModuleDef,
  named,
  output,
  type PortSpec,
  ports,
  type Signal,
  UInt,
} from "../dsl/index.js";
import { MaxPool, Padding, windowBlock } from "../lib/conv/index.js";
import { Argmax, argmaxIndexWidth } from "../lib/labelselect/argmax.js";
import { Mvau } from "../lib/mvau/index.js";
import {
  type AxisEnd,
  convertWidth,
  fork,
  fromAxis,
  queue,
  type StreamEnd,
  type StreamPair,
  StreamWidthConverter,
  toAxis,
  widthFor,
} from "../lib/stream/index.js";
import { type AcceleratorPlan, paddedWidth } from "./plan.js";
import { layerInstanceName, type WeightStream, weightStreams } from "./weight-stream.js";

export interface AcceleratorIo {
  inputBits: number;
  outputBits: number;
  scoresBits?: number;
}

/** tdata widths of the top-level streams (padded to whole bytes, as FINN does). */
export function acceleratorIo(plan: AcceleratorPlan): AcceleratorIo {
  const last = plan.layers[plan.layers.length - 1]!;
  return {
    inputBits: paddedWidth(plan.inputPerBeat * plan.inputType.bits),
    outputBits: plan.argmax ? paddedWidth(argmaxIndexWidth(plan.argmax)) : paddedWidth(last.shape.outWidth),
    scoresBits: plan.scores && plan.argmax ? paddedWidth(last.shape.outWidth) : undefined,
  };
}

export const Accelerator = defineModule(
  (plan: AcceleratorPlan) => plan.topName,
  (plan: AcceleratorPlan) => {
    const widths = acceleratorIo(plan);
    const counts: Record<string, PortSpec> = {};
    if (plan.exposeFifoCounts) {
      plan.links.forEach((l, i) => {
        if (l.fifoDepth > 0) counts[`debug_fifo${i}_count`] = output(UInt(widthFor(l.fifoDepth)));
      });
    }
    const loads = weightStreams(plan);
    const weightPorts = Object.fromEntries(loads.map((s) => [s.port, input(AxiStream(s.beatBits))]));
    const io = ports({
      s_axis: input(AxiStream(widths.inputBits)),
      m_axis: output(AxiStream(widths.outputBits)),
      ...(widths.scoresBits ? { m_axis_scores: output(AxiStream(widths.scoresBits)) } : {}),
      ...weightPorts,
      ...counts,
    }) as { s_axis: AxisEnd; m_axis: AxisEnd; m_axis_scores?: AxisEnd } & Record<string, Signal>;
    const portOf = (s: WeightStream) => (io as unknown as Record<string, AxisEnd>)[s.port]!;

    // The chain in data-flow order: input → [FIFO → width converter →] [padding → window →]
    // MVAU [→ max-pool] → … → arg-max.
    let stream = fromAxis("input", io.s_axis, plan.inputPerBeat * plan.inputType.bits);
    const through = <P, IO extends StreamPair<Signal>, C>(
      name: string,
      block: ModuleDef<P, IO, C>,
      params: P,
    ): IO => {
      const b = instance(name, block, params);
      connect(b.in, stream);
      stream = b.out;
      return b;
    };
    plan.layers.forEach((layer, i) => {
      stream = queue(`fifo${i}`, stream, plan.links[i]!.fifoDepth, {
        onCount: plan.exposeFifoCounts ? (count) => io[`debug_fifo${i}_count`]!.set(count) : undefined,
      });
      stream = convertWidth(`dwc${i}`, stream, layer.inWidth);
      const name = layerInstanceName(i, layer);
      const conv = layer.conv;
      if (conv?.padding) through(`${name}_padding`, Padding, conv.padding);
      if (conv) through(`${name}_window`, windowBlock(conv.window), conv.window);
      const mvau = through(name, Mvau, layer.mvau);
      const load = loads.find((s) => s.layer === i);
      if (load) connect(mvau.weights!, weightLines(load, portOf(load)));
      if (conv?.pool) through(`${name}_pool`, MaxPool, conv.pool);
    });

    if (plan.argmax) {
      let scores = stream;
      if (io.m_axis_scores) {
        const [toArgmax, toPort] = fork("scores", stream);
        scores = toArgmax!;
        toAxis(io.m_axis_scores, toPort!);
      }
      const labels = instance("argmax", Argmax, plan.argmax);
      connect(labels.in, scores);
      stream = labels.out;
    }
    toAxis(io.m_axis, stream);
    return io;
  },
);

/**
 * A weight stream's port as the MVAU's `weights` stream of whole memory lines: the beats of a
 * padded line gathered (low bits first) by a converter without an output register (the MVAU
 * is always ready for a line), then the padding dropped.
 */
function weightLines(s: WeightStream, port: AxisEnd): StreamEnd<Signal> {
  let beats = fromAxis(`${s.name}_wload`, port, s.beatBits);
  if (s.beatsPerLine > 1) {
    const gather = instance(`${s.name}_wgather`, StreamWidthConverter, {
      inWidth: s.beatBits,
      outWidth: s.paddedLineBits,
      registered: false,
    }) as { in: StreamEnd<Signal>; out: StreamEnd<Signal> };
    connect(gather.in, beats);
    beats = gather.out;
  }
  if (s.lineBits === beats.data.width) return beats;
  return { ...beats, data: named(`${s.name}_wline`, beats.data.bits(s.lineBits - 1, 0)) };
}
