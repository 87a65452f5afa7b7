// The sliding-window unit, the padding unit and the max-pool in the interpreter against their
// software models (im2col in FINN's order, padImage, maxPoolGolden): random image sizes,
// channels, kernels, strides, paddings, SIMD, datatypes and memories, several images back to
// back, under random producer gaps and consumer stalls.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { elaborate } from "../../../src/dsl/index.js";
import { ConvLayer, MaxPool, Padding, slidingWindowShape, windowBlock } from "../../../src/lib/conv/index.js";
import { convCase, convStreams, parallelConvCase } from "./conv-cases.js";
import { paddingCase, paddingStreams } from "./padding-cases.js";
import { poolCase, poolStreams } from "./pool-cases.js";
import { expectStream } from "./run-interp.js";
import { anyWindowStreams, parallelWindowCase, type WindowCase, windowCase } from "./window-cases.js";

const producer = fc.constantFrom(1, 0.7, 0.3);
const consumer = fc.constantFrom(1, 0.6, 0.25);
const seedArb = fc.integer({ min: 1, max: 1 << 30 });

/** Four copies of the case's first image at full rate: the window's shape, the cycles between the
 * first beats of images 1, 2 and 3, and the first beat's cycle. */
function fullRate(c: WindowCase) {
  const params = { ...c.params, memory: "auto" as const };
  const s = slidingWindowShape(params);
  const four = { ...c, params, images: [0, 1, 2, 3].map(() => c.images[0]!) };
  const { inputs, expected } = anyWindowStreams(four);
  const out = expectStream(elaborate(windowBlock(params), params), inputs, expected, 1, 1, 1).outputCycles
    .out!;
  const n = s.outBeats;
  return { s, perImage: [out[2 * n]! - out[n]!, out[3 * n]! - out[2 * n]!], first: out[0] };
}

/** Every window of each case leaves the window block in order, under random gaps and stalls. */
function expectEveryWindow(cases: fc.Arbitrary<WindowCase>, numRuns: number): void {
  fc.assert(
    fc.property(cases, producer, consumer, seedArb, (c, pv, pr, seed) => {
      const { inputs, expected } = anyWindowStreams(c);
      expectStream(elaborate(windowBlock(c.params), c.params), inputs, expected, pv, pr, seed);
    }),
    { numRuns },
  );
}

describe("conv blocks in the interpreter", () => {
  it("sliding window: every window in FINN's order (kh, kw, channel fold, SIMD), SIMD beats or whole windows", () => {
    expectEveryWindow(fc.oneof(windowCase(), parallelWindowCase()), 100);
  });

  // A 1×1 window at stride 1 ends a window at every pixel: each one must wait for a queue slot.
  it("parallel window, 1×1 at stride 1: no window lost under backpressure", () => {
    const oneByOne = parallelWindowCase().map((c) => ({
      ...c,
      params: { ...c.params, kernel: [1, 1] as const, stride: [1, 1] as const },
    }));
    expectEveryWindow(oneByOne, 20);
  });

  it("sliding window, stride 1, full rate: OH·OW·KH·KW·CF + (KH − 1)·(W − KW)·CF cycles per image", () => {
    fc.assert(
      fc.property(windowCase({ maxSide: 6, maxChannels: 4, maxImages: 1 }), (c) => {
        const params = { ...c.params, stride: [1, 1] as const, depth: undefined };
        const { s, perImage, first } = fullRate({ ...c, params });
        const [kh, kw] = params.kernel;
        const expected = s.outBeats + (kh - 1) * (params.width - kw) * s.cf;
        expect(perImage).toEqual([expected, expected]);
        // The first beat leaves 3 cycles after it arrives (write, read, queue register).
        expect(first).toBe(3);
      }),
      { numRuns: 25 },
    );
  });

  it("parallel window, full rate: one cycle per input pixel, H·W per image at any stride", () => {
    fc.assert(
      fc.property(parallelWindowCase({ maxSide: 6, maxChannels: 3, maxImages: 1 }), (c) => {
        const { s, perImage } = fullRate(c);
        expect(perImage).toEqual([s.inBeats, s.inBeats]);
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
  it("equals the golden convolution and its activation, with either window (parallel: SIMD = KH·KW·C)", () => {
    fc.assert(
      fc.property(
        fc.oneof(convCase(), parallelConvCase()),
        producer,
        consumer,
        seedArb,
        (c, pv, pr, seed) => {
          const { inputs, expected } = convStreams(c);
          expectStream(elaborate(ConvLayer, c.params), inputs, expected, pv, pr, seed);
        },
      ),
      { numRuns: 45 },
    );
  });
});
