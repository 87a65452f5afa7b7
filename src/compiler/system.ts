// The accelerator inside its system wrapper (src/lib/system): what the board design and the
// host drivers see. The build ID is a hash of the whole plan (weights included), so a driver
// generated for one build refuses to run against another bitstream.
import { createHash } from "node:crypto";
import { type SystemParams, systemStreamWidths } from "../lib/system/index.js";
import { Accelerator, acceleratorIo } from "./accelerator.js";
import type { AcceleratorPlan } from "./plan.js";

export interface SystemIo {
  /** tdata widths of the system's (DMA-facing) streams. */
  inBits: number;
  outBits: number;
  inBeatsPerImage: number;
  outBeatsPerImage: number;
  buildId: number;
}

/** Output beats per image: one arg-max index, or NF beats of PE scores. */
export function outputBeatsPerImage(plan: AcceleratorPlan): number {
  return plan.argmax ? 1 : plan.layers[plan.layers.length - 1]!.shape.nf;
}

export function buildIdOf(plan: AcceleratorPlan): number {
  const text = JSON.stringify(plan, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
  return Number.parseInt(createHash("sha256").update(text).digest("hex").slice(0, 8), 16);
}

export function systemParams(plan: AcceleratorPlan): SystemParams<AcceleratorPlan> {
  const io = acceleratorIo(plan);
  return {
    name: `${plan.topName}_system`,
    core: Accelerator,
    coreParams: plan,
    coreInBits: io.inputBits,
    coreOutBits: io.outputBits,
    inBeatsPerImage: plan.inputLength / plan.inputPerBeat,
    outBeatsPerImage: outputBeatsPerImage(plan),
    buildId: buildIdOf(plan),
  };
}

export function systemIo(plan: AcceleratorPlan): SystemIo {
  const p = systemParams(plan);
  const { inBeatsPerImage, outBeatsPerImage, buildId } = p;
  return { ...systemStreamWidths(p), inBeatsPerImage, outBeatsPerImage, buildId };
}
