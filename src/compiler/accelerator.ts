// The whole accelerator as one Loom module: AXI4-Stream in, one MVAU per layer with FIFOs
// and width converters between them, an arg-max (label select) at the end, AXI4-Stream out.
import {
  AxiStream,
  defineModule,
  input,
  instance,
  named,
  output,
  ports,
  type Signal,
  type Value,
  connect,
} from "../dsl/index.js";
import { Argmax, argmaxIndexWidth } from "../lib/labelselect/argmax.js";
import { Mvau } from "../lib/mvau/index.js";
import { queue } from "../lib/stream/fifo.js";
import type { StreamEnd } from "../lib/stream/stream-types.js";
import { convertWidth } from "../lib/stream/width-converter.js";
import { type AcceleratorPlan, paddedWidth } from "./plan.js";

export interface AcceleratorIo {
  inputBits: number;
  outputBits: number;
  scoresBits?: number;
}

/** tdata widths of the top-level streams (padded to whole bytes, as FINN does). */
export function acceleratorIo(plan: AcceleratorPlan): AcceleratorIo {
  const last = plan.layers[plan.layers.length - 1]!;
  return {
    inputBits: paddedWidth(plan.layers[0]!.shape.inWidth),
    outputBits: plan.argmax ? paddedWidth(argmaxIndexWidth(plan.argmax)) : paddedWidth(last.shape.outWidth),
    scoresBits: plan.scores && plan.argmax ? paddedWidth(last.shape.outWidth) : undefined,
  };
}

export const Accelerator = defineModule(
  (plan: AcceleratorPlan) => plan.topName,
  (plan: AcceleratorPlan) => {
    const widths = acceleratorIo(plan);
    const io = ports({
      s_axis: input(AxiStream(widths.inputBits)),
      m_axis: output(AxiStream(widths.outputBits)),
    });

    // The input beat's low bits are the SIMD packed elements of the first layer.
    const first = plan.layers[0]!;
    let stream: StreamEnd<Signal> = {
      valid: io.s_axis.tvalid,
      ready: io.s_axis.tready,
      data: named("input_data", io.s_axis.tdata.bits(first.shape.inWidth - 1, 0)),
    };

    plan.layers.forEach((layer, i) => {
      const link = plan.links[i]!;
      if (i > 0) stream = queue(`fifo${i}`, stream, link.fifoDepth);
      stream = convertWidth(`dwc${i}`, stream, layer.shape.inWidth);
      const mvau = instance(`layer${i}_${layer.name.replace(/[^A-Za-z0-9_]/g, "_")}`, Mvau, layer.mvau) as {
        in: StreamEnd<Signal>;
        out: StreamEnd<Signal>;
      };
      connect(mvau.in as unknown as Value, stream as unknown as Value);
      stream = mvau.out;
    });

    if (plan.argmax) {
      const labels = instance("argmax", Argmax, plan.argmax);
      connect(labels.in as unknown as Value, stream as unknown as Value);
      stream = labels.out as unknown as StreamEnd<Signal>;
    }
    io.m_axis.tvalid.set(stream.valid);
    stream.ready.set(io.m_axis.tready);
    io.m_axis.tdata.set(stream.data);
    return io;
  },
);
