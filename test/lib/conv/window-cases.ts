// Random sliding-window configurations and their expected streams (the golden im2col).
import fc from "fast-check";
import type { DataType } from "../../../src/core/datatypes.js";
import { divisors } from "../../../src/core/divisors.js";
import type { SlidingWindowParams } from "../../../src/lib/conv/index.js";
import { type Image, im2col } from "../../../src/model/golden/conv.js";
import { dataTypeArb, imageArb, toBeats } from "./beats.js";

export interface WindowCase {
  params: SlidingWindowParams;
  dt: DataType;
  images: Image[];
}

export interface WindowCaseLimits {
  maxSide?: number;
  maxChannels?: number;
  maxImages?: number;
}

export function windowCase(limits: WindowCaseLimits = {}): fc.Arbitrary<WindowCase> {
  const maxSide = limits.maxSide ?? 7;
  return fc
    .record({
      height: fc.integer({ min: 1, max: maxSide }),
      width: fc.integer({ min: 1, max: maxSide }),
      channels: fc.integer({ min: 1, max: limits.maxChannels ?? 6 }),
      dt: dataTypeArb,
      images: fc.integer({ min: 1, max: limits.maxImages ?? 3 }),
    })
    .chain(({ height, width, channels, dt, images }) =>
      fc
        .record({
          kh: fc.integer({ min: 1, max: height }),
          kw: fc.integer({ min: 1, max: width }),
          sh: fc.integer({ min: 1, max: 3 }),
          sw: fc.integer({ min: 1, max: 3 }),
          simd: fc.constantFrom(...divisors(channels)),
          // Extra line-buffer words beyond the minimum (undefined: the default).
          extra: fc.option(fc.integer({ min: 0, max: 2 * width * channels }), { nil: undefined }),
          memory: fc.constantFrom("auto", "block", "distributed") as fc.Arbitrary<
            "auto" | "block" | "distributed"
          >,
          images: fc.array(imageArb(height, width, channels, dt), { minLength: images, maxLength: images }),
        })
        .map(({ kh, kw, sh, sw, simd, extra, memory, images }) => ({
          params: {
            height,
            width,
            channels,
            kernel: [kh, kw] as const,
            stride: [sh, sw] as const,
            simd,
            elementBits: dt.bits,
            depth: extra === undefined ? undefined : ((kh - 1) * width + kw) * (channels / simd) + extra,
            memory,
          },
          dt,
          images,
        })),
    );
}

/** Input beats and the expected output beats (FINN's window order) of all images. */
export function windowStreams(c: WindowCase): { inputs: bigint[]; expected: bigint[] } {
  const { simd } = c.params;
  return {
    inputs: c.images.flatMap((img) => toBeats(img.data, simd, c.dt)),
    expected: c.images.flatMap((img) => toBeats(im2col(img, c.params).flat(), simd, c.dt)),
  };
}

/** Parallel windows: the same random shapes with one whole pixel per input beat (SIMD = C). */
export function parallelWindowCase(limits: WindowCaseLimits = {}): fc.Arbitrary<WindowCase> {
  return windowCase(limits)
    .filter((c) => c.params.kernel[0] === 1 || c.params.width >= 2)
    .map((c) => ({
      ...c,
      params: { ...c.params, simd: c.params.channels, depth: undefined, parallel: true },
    }));
}

/** Input pixels and the expected output beats, one whole window (kh, kw, channel) each. */
export function parallelWindowStreams(c: WindowCase): { inputs: bigint[]; expected: bigint[] } {
  const { channels, kernel } = c.params;
  return {
    inputs: c.images.flatMap((img) => toBeats(img.data, channels, c.dt)),
    expected: c.images.flatMap((img) =>
      toBeats(im2col(img, c.params).flat(), kernel[0] * kernel[1] * channels, c.dt),
    ),
  };
}

/** The streams of either kind of window case. */
export function anyWindowStreams(c: WindowCase): { inputs: bigint[]; expected: bigint[] } {
  return c.params.parallel ? parallelWindowStreams(c) : windowStreams(c);
}
