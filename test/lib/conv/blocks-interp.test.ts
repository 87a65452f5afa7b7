// The sliding-window unit, the padding unit and the max-pool in the interpreter against their
// software models (im2col in FINN's order, padImage, maxPoolGolden): random image sizes,
// channels, kernels, strides, paddings, SIMD, datatypes and memories, several images back to
// back, under random producer gaps and consumer stalls.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { elaborate } from "../../../src/dsl/index.js";
import {
  ConvLayer,
  MaxPool,
  Padding,
  SlidingWindow,
  slidingWindowShape,
} from "../../../src/lib/conv/index.js";
import { convCase, convStreams } from "./conv-cases.js";
import { paddingCase, paddingStreams } from "./padding-cases.js";
import { poolCase, poolStreams } from "./pool-cases.js";
import { expectStream } from "./run-interp.js";
import { windowCase, windowStreams } from "./window-cases.js";

const producer = fc.constantFrom(1, 0.7, 0.3);
const consumer = fc.constantFrom(1, 0.6, 0.25);
const seedArb = fc.integer({ min: 1, max: 1 << 30 });

describe("conv blocks in the interpreter", () => {
  it("sliding window: every window in FINN's order (kh, kw, channel fold, SIMD)", () => {
    fc.assert(
      fc.property(windowCase(), producer, consumer, seedArb, (c, pv, pr, seed) => {
        const { inputs, expected } = windowStreams(c);
        expectStream(elaborate(SlidingWindow, c.params), inputs, expected, pv, pr, seed);
      }),
      { numRuns: 60 },
    );
  });

  it("sliding window, stride 1, full rate: OH·OW·KH·KW·CF + (KH − 1)·(W − KW)·CF cycles per image", () => {
    fc.assert(
      fc.property(windowCase({ maxSide: 6, maxChannels: 4, maxImages: 1 }), (c) => {
        const params = { ...c.params, stride: [1, 1] as const, memory: "auto" as const, depth: undefined };
        const s = slidingWindowShape(params);
        const four = { ...c, params, images: [0, 1, 2, 3].map(() => c.images[0]!) };
        const { inputs, expected } = windowStreams(four);
        const out = expectStream(elaborate(SlidingWindow, params), inputs, expected, 1, 1, 1).outputCycles
          .out!;
        const [kh, kw] = params.kernel;
        const perImage = s.outBeats + (kh - 1) * (params.width - kw) * s.cf;
        expect(out[2 * s.outBeats]! - out[s.outBeats]!).toBe(perImage);
        expect(out[3 * s.outBeats]! - out[2 * s.outBeats]!).toBe(perImage);
        // The first beat leaves 3 cycles after it arrives (write, read, queue register).
        expect(out[0]).toBe(3);
      }),
      { numRuns: 25 },
    );
  });

  it("padding: the pad code around every image, each side on its own", () => {
    fc.assert(
      fc.property(paddingCase(), producer, consumer, seedArb, ({ params, images }, pv, pr, seed) => {
        const { inputs, expected } = paddingStreams(params, images);
        const run = expectStream(elaborate(Padding, params), inputs, expected, pv, pr, seed);
        if (pv === 1 && pr === 1) {
          // One beat per cycle: the output never waits.
          const oc = run.outputCycles.out!;
          expect(oc.at(-1)! - oc[0]!).toBe(expected.length - 1);
        }
      }),
      { numRuns: 50 },
    );
  });

  it("max-pool: each window's per-channel maximum, kernel = stride or not, signed or not", () => {
    fc.assert(
      fc.property(poolCase(), producer, consumer, seedArb, (c, pv, pr, seed) => {
        const { inputs, expected } = poolStreams(c);
        expectStream(elaborate(MaxPool, c.params), inputs, expected, pv, pr, seed);
      }),
      { numRuns: 50 },
    );
  });
});

describe("a conv layer (padding → sliding window → MVAU) in the interpreter", () => {
  it("equals the golden convolution and its activation", () => {
    fc.assert(
      fc.property(convCase(), producer, consumer, seedArb, (c, pv, pr, seed) => {
        const { inputs, expected } = convStreams(c);
        expectStream(elaborate(ConvLayer, c.params), inputs, expected, pv, pr, seed);
      }),
      { numRuns: 30 },
    );
  });
});
