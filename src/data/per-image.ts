// The per-image steps that run on each resized image, in order: content framing (src/data/
// frame.ts), then the intensity normalization (src/data/normalize.ts). The loader and the
// acquisition-shift copies both apply them through this one function, so they cannot drift apart.
import { frameImage } from "./frame.js";
import { type Normalization, normalizeImage } from "./normalize.js";

export interface PerImageSteps {
  /** Tail percent of content framing; 0 = off. */
  frame: number;
  normalize: Normalization;
}

export const NO_PER_IMAGE_STEPS: PerImageSteps = { frame: 0, normalize: "none" };

/** The steps named by options where both are optional (absent = off). */
export function perImageStepsOf(o: { frame?: number; normalize?: Normalization }): PerImageSteps {
  return { frame: o.frame ?? 0, normalize: o.normalize ?? "none" };
}

export function applyPerImage(
  px: Uint8Array,
  width: number,
  height: number,
  steps: PerImageSteps,
): Uint8Array {
  return normalizeImage(frameImage(px, width, height, steps.frame), steps.normalize);
}
