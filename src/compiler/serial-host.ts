// The serial link's framing (docs/ice40.md): an image is its input beats, each beat's tdata
// sent low byte first, with nothing in between; the board answers each image with its output
// beat's bytes, low byte first (one beat: the class index, for a network ending in arg-max).
import { acceleratorIo } from "./accelerator.js";
import { beatBytes, bytesToBeats, inputBeats } from "./host.js";
import type { AcceleratorPlan } from "./plan.js";

/** Bytes the host sends for a batch of images. */
export function serialRequest(plan: AcceleratorPlan, images: readonly (readonly bigint[])[]): number[] {
  const bits = acceleratorIo(plan).inputBits;
  return inputBeats(plan, images).flatMap((beat) => beatBytes(beat, bits));
}

/** Bytes the board sends back per image. */
export function serialReplyBytes(plan: AcceleratorPlan): number {
  return acceleratorIo(plan).outputBits / 8;
}

/** Class indices from the board's reply bytes (networks ending in arg-max). */
export function classesFromReply(plan: AcceleratorPlan, bytes: readonly number[]): number[] {
  if (!plan.argmax) throw new Error("the serial link returns classes only for networks that end in arg-max");
  return bytesToBeats(bytes, acceleratorIo(plan).outputBits).map(Number);
}
