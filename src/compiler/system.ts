// The accelerator inside its system wrapper (src/lib/system): what the board design and the
// host drivers see. The build ID is a hash of the whole plan — weights included, unless they are
// loaded at run time and so not part of the bitstream — so a driver generated for one build
// refuses to run against another bitstream.
import { createHash } from "node:crypto";
import { DMA_MAX_BITS, type SystemParams, systemStreamWidths } from "../lib/system/index.js";
import { Accelerator, acceleratorIo } from "./accelerator.js";
import { type AcceleratorPlan, scoreBeatsPerImage } from "./plan.js";
import { type WeightStream, weightStreams } from "./weight-stream.js";

export interface SystemIo {
  /** tdata widths of the system's (DMA-facing) streams. */
  inBits: number;
  outBits: number;
  inBeatsPerImage: number;
  outBeatsPerImage: number;
  buildId: number;
  /** Runtime weight streams (empty for a build with weights in the bitstream). */
  weightStreams: WeightStream[];
}

export function inputBeatsPerImage(plan: AcceleratorPlan): number {
  return plan.inputLength / plan.inputPerBeat;
}

/** Output beats per image: one arg-max index, or the last layer's beats of PE values. */
export function outputBeatsPerImage(plan: AcceleratorPlan): number {
  return plan.argmax ? 1 : scoreBeatsPerImage(plan);
}

export function buildIdOf(plan: AcceleratorPlan): number {
  const text = JSON.stringify(plan, function (k, v) {
    // Runtime-loaded weights are data, not hardware: one bitstream serves every weight set.
    if (k === "weights" && (this as { runtimeWeights?: boolean }).runtimeWeights) return undefined;
    return typeof v === "bigint" ? `${v}n` : v;
  });
  return Number.parseInt(createHash("sha256").update(text).digest("hex").slice(0, 8), 16);
}

/** Why the accelerator's streams cannot go through an AXI DMA, or undefined when they can. */
export function dmaProblem(plan: AcceleratorPlan): string | undefined {
  const io = acceleratorIo(plan);
  if (io.outputBits <= DMA_MAX_BITS) return undefined;
  const last = plan.layers[plan.layers.length - 1]!;
  const widest = Math.floor(DMA_MAX_BITS / last.shape.outElementBits);
  return `the output stream is ${io.outputBits} bits per beat, wider than an AXI DMA's ${DMA_MAX_BITS}: fold the last layer (${last.name}) with PE ≤ ${widest}, or end the model with an arg-max`;
}

export function systemParams(plan: AcceleratorPlan): SystemParams<AcceleratorPlan> {
  const io = acceleratorIo(plan);
  return {
    name: `${plan.topName}_system`,
    core: Accelerator,
    coreParams: plan,
    coreInBits: io.inputBits,
    coreOutBits: io.outputBits,
    inBeatsPerImage: inputBeatsPerImage(plan),
    outBeatsPerImage: outputBeatsPerImage(plan),
    buildId: buildIdOf(plan),
    extraInputs: weightStreams(plan).map((s) => ({ name: s.port, bits: s.beatBits })),
  };
}

export function systemIo(plan: AcceleratorPlan): SystemIo {
  const p = systemParams(plan);
  const { inBeatsPerImage, outBeatsPerImage, buildId } = p;
  return {
    ...systemStreamWidths(p),
    inBeatsPerImage,
    outBeatsPerImage,
    buildId,
    weightStreams: weightStreams(plan),
  };
}
