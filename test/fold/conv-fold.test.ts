// Folding and planning of conv layers: SIMD over the input channels, PE over the output
// channels, the cycle formula OH·OW·(KH·KW·C/SIMD)·(OC/PE) (or the window's one beat per cycle
// when that is slower), the plan agreeing with the solver, and clear refusals.

import { describe, expect, it } from "vitest";
import { linkFifoDepth } from "../../src/compiler/fifo-sizing.js";
import { compileModel, outputFiles } from "../../src/compiler/generate.js";
import { inputElementsPerBeat, planAccelerator, scoreBeatsPerImage } from "../../src/compiler/plan.js";
import { divisors } from "../../src/core/divisors.js";
import { getBoard } from "../../src/fold/boards.js";
import { convWindows, layerCycles } from "../../src/fold/estimate.js";
import { applyFolding, foldForBoard, foldForCycles, foldingCandidates } from "../../src/fold/fold.js";
import { layerShapes } from "../../src/fold/layer-shape.js";
import { maxPoolShape } from "../../src/lib/conv/max-pool.js";
import { parallelWindowCycles, slidingWindowCycles } from "../../src/lib/conv/window-shape.js";
import type { Model } from "../../src/model/model-format.js";

/** 10×10×4 → conv 3×3 same (16) → max-pool 2×2 → dense 400 → 3. */
function smallCnn(): Model {
  const conv = { h: 10, w: 10, c: 4, oc: 16 };
  const mw = 9 * conv.c;
  const features = 5 * 5 * conv.oc;
  return {
    format: "loom-qnn",
    version: 1,
    name: "small_cnn",
    input: { shape: [conv.h, conv.w, conv.c], datatype: "UINT4" },
    layers: [
      {
        name: "conv0",
        kind: "conv",
        inShape: [conv.h, conv.w, conv.c],
        outChannels: conv.oc,
        kernel: [3, 3],
        stride: [1, 1],
        padding: { top: 1, bottom: 1, left: 1, right: 1 },
        weightDatatype: "INT4",
        weights: Array.from({ length: conv.oc }, (_, o) =>
          Array.from({ length: mw }, (_, j) => ((o + j) % 15) - 7),
        ),
        activation: {
          kind: "thresholds",
          outDatatype: "UINT2",
          outBias: 0,
          thresholds: Array.from({ length: conv.oc }, () => [-10, 0, 10]),
        },
        pool: { kind: "max", kernel: [2, 2], stride: [2, 2] },
      },
      {
        name: "fc",
        kind: "dense",
        inFeatures: features,
        outFeatures: 3,
        weightDatatype: "INT2",
        weights: Array.from({ length: 3 }, (_, o) =>
          Array.from({ length: features }, (_, j) => ((o * 7 + j) % 3) - 1),
        ),
        activation: { kind: "none", bias: [0, 1, 2], scale: 1 },
      },
    ],
    output: { argmax: true },
  };
}

describe("folding conv layers", () => {
  const shapes = layerShapes(smallCnn());
  const conv = shapes[0]!;

  it("sizes the conv layer as a matrix applied to every output pixel", () => {
    expect([conv.mw, conv.mh, conv.vectors, conv.simdSpan]).toEqual([36, 16, 100, 4]);
  });

  it("puts SIMD over the input channels (or the whole window) and PE over the output channels", () => {
    const candidates = foldingCandidates(conv);
    // The divisors of C, and KH·KW·C = 36: the parallel window.
    expect(new Set(candidates.map((f) => f.simd))).toEqual(new Set([...divisors(4), 36]));
    expect(new Set(candidates.map((f) => f.pe))).toEqual(new Set(divisors(16)));
    expect(() =>
      applyFolding(shapes, {
        layers: [
          { name: "conv0", pe: 16, simd: 3 },
          { name: "fc", pe: 1, simd: 1 },
        ],
      }),
    ).toThrow(
      /simd 3 neither divides the 4 input channels nor is the whole 36-value window \(the parallel window\); valid simd: 1, 2, 4, 36/,
    );
  });

  it("takes OH·OW·(KH·KW·C/SIMD)·(OC/PE) cycles, or the window's when that is slower", () => {
    const window = {
      height: 12,
      width: 12,
      channels: 4,
      kernel: [3, 3],
      stride: [1, 1],
      elementBits: 4,
    } as const;
    for (const f of foldingCandidates(conv)) {
      const mvau = 10 * 10 * ((9 * 4) / f.simd) * (16 / f.pe);
      // The parallel window and its MVAU pace each other; the max-pool behind may be slower.
      const pool = slidingWindowCycles(convWindows(conv, f)!.pool!);
      const cycles =
        f.simd === 36
          ? Math.max(parallelWindowCycles({ ...window, simd: 4, parallel: true }, 16 / f.pe), pool)
          : Math.max(mvau, slidingWindowCycles({ ...window, simd: f.simd }));
      expect(layerCycles(conv, f)).toBe(cycles);
    }
    // Fully parallel, the window's one beat per cycle decides: 100 windows of 9 beats + 2 rows' load.
    expect(layerCycles(conv, { pe: 16, simd: 4 })).toBe(100 * 9 + 2 * (12 - 3));
    // The parallel window: one pixel of the padded 12 × 12 image per cycle.
    expect(layerCycles(conv, { pe: 16, simd: 36 })).toBe(144);
    // At PE 1 the MVAU's 16 cycles per window pace it; the 2 rows + 2 pixels between images
    // (26 pixels) outlast the 3 queued windows (48 cycles) by none: 100 · 16.
    expect(parallelWindowCycles({ ...window, simd: 4, parallel: true }, 16)).toBe(1600);
  });

  it("balances conv and dense layers against a target and a board", () => {
    const r = foldForCycles(shapes, 3600);
    expect(r.cycles).toBeLessThanOrEqual(3600);
    expect(r.foldings[0]).toEqual({ pe: 4, simd: 4 });
    const board = foldForBoard(shapes, getBoard("zcu104"));
    // The parallel window's floor, one cycle per pixel of the padded 12 × 12 image (918 with
    // SIMD-channel beats: 100 windows of 9 beats + 2 rows' load).
    expect(board.cycles).toBe(144);
    expect(() => foldForCycles(shapes, 100)).toThrow(/best reachable initiation interval is 144 cycles/);
  });
});

describe("planning conv layers", () => {
  it("agrees with the solver's cycles and sizes the blocks from the layer geometry", () => {
    const model = smallCnn();
    const shapes = layerShapes(model);
    const r = foldForCycles(shapes, 3600);
    const plan = planAccelerator(model, r.foldings);
    expect(plan.initiationInterval).toBe(r.cycles);
    const c = plan.layers[0]!.conv!;
    expect(c.padding).toMatchObject({ height: 10, width: 10, channels: 4, padValue: 0n });
    expect(c.window).toMatchObject({ height: 12, width: 12, channels: 4, simd: 4 });
    expect(c.pool).toMatchObject({
      height: 10,
      width: 10,
      channels: 16,
      simd: 4,
      dataType: { kind: "UINT", bits: 2 },
    });
    expect(plan.inputLength).toBe(400);
    // The input beat tiles a pixel's 4 channels.
    expect(4 % plan.inputPerBeat === 0 || plan.inputPerBeat % 4 === 0).toBe(true);
    // The FIFO before the dense layer is the two timing beats.
    expect(plan.links.map((l) => l.fifoDepth)).toEqual([0, 2]);
  });

  it("never splits a pixel's channels across beats at the input", () => {
    // 3 channels of 8 bits: 1 or 3 or a multiple of 3 per beat, never 2 or 4.
    for (const ii of [1, 10, 100, 1000, 10000]) {
      const k = inputElementsPerBeat(12 * 12 * 3, 8, ii, 3);
      expect(3 % k === 0 || k % 3 === 0).toBe(true);
    }
  });

  it("sizes the FIFO before a conv layer to hold its window's first load", () => {
    const window = {
      height: 8,
      width: 8,
      channels: 4,
      kernel: [3, 3] as const,
      stride: [1, 1] as const,
      simd: 2,
      elementBits: 4,
    };
    // ((3 − 1)·8 + 3)·(4/2) = 38 beats of 8 bits, in 16-bit producer beats, + 2.
    expect(linkFifoDepth(16, window)).toBe(19 + 2);
    expect(linkFifoDepth(16)).toBe(2);
    expect(linkFifoDepth(undefined, window)).toBe(0);
  });

  it("compiles for a board, with the conv blocks and their cycles in the report", () => {
    const c = compileModel(smallCnn(), { board: "zcu104" });
    const report = outputFiles(c).get("report.md")!;
    expect(report).toMatch(
      /\| conv0 \| conv 3x3 s1x1 \(padded\), parallel window → max-pool 2x2 s2x2 \| 36 \| 16 \| 16 \| 36 \|/,
    );
    expect(c.report.layers[0]!.cyclesPerInference).toBe(c.plan.layers[0]!.cycles);
    expect(c.report.initiationInterval).toBe(144);
    expect(c.report.streams.inputBeatsPerImage * c.plan.inputPerBeat).toBe(400);
    expect(c.system).toBeDefined();
  });

  it("streams out a final conv layer's pooled feature map, and refuses an arg-max on it", () => {
    const model = smallCnn();
    model.layers = [model.layers[0]!];
    expect(() => planAccelerator(model, [{ pe: 1, simd: 1 }])).toThrow(/an arg-max needs a dense last layer/);
    model.output = { argmax: false };
    const plan = planAccelerator(model, [{ pe: 2, simd: 1 }]);
    const conv = model.layers[0]!;
    if (conv.kind !== "conv") throw new Error("smallCnn starts with a conv layer");
    const pooled = plan.layers[0]!.conv!.pool!;
    expect(pooled).toBeDefined();
    const [oh, ow] = [maxPoolShape(pooled).outHeight, maxPoolShape(pooled).outWidth];
    expect(plan.outputLength).toBe(oh * ow * conv.outChannels);
    expect(scoreBeatsPerImage(plan)).toBe((oh * ow * conv.outChannels) / 2);
    expect(plan.argmax).toBeUndefined();
  });
});
