// Bad parameters of the conv blocks are one clear elaboration error each.
import { describe, expect, it } from "vitest";
import { ElaborationError, elaborate } from "../../../src/dsl/index.js";
import {
  ConvLayer,
  MaxPool,
  Padding,
  SlidingWindow,
  slidingWindowShape,
} from "../../../src/lib/conv/index.js";

const window = {
  height: 6,
  width: 5,
  channels: 4,
  kernel: [3, 3] as const,
  stride: [1, 1] as const,
  simd: 2,
  elementBits: 4,
};
const UINT4 = { kind: "UINT", bits: 4 } as const;

function fails(build: () => unknown, message: RegExp) {
  expect(build).toThrow(ElaborationError);
  expect(build).toThrow(message);
}

describe("conv block parameters", () => {
  it("line buffer: ((KH − 1)·W + KW)·CF words, FINN's stride slack, 2 at least", () => {
    expect(slidingWindowShape(window).depth).toBe((2 * 5 + 3) * 2);
    // (SH − 1)·W − KH·KW = 2·16 − 4 = 28 more words for a 2×2 window at stride 3 on 16 columns.
    expect(slidingWindowShape({ ...window, width: 16, kernel: [2, 2], stride: [3, 3], simd: 4 }).depth).toBe(
      16 + 2 + 28,
    );
    expect(slidingWindowShape({ ...window, kernel: [1, 1], simd: 4 }).depth).toBe(2);
  });

  it("refuses what it cannot build, in one line", () => {
    fails(() => slidingWindowShape({ ...window, simd: 3 }), /SIMD 3 does not divide 4 channels/);
    fails(() => slidingWindowShape({ ...window, kernel: [7, 3] }), /a 7×3 kernel does not fit a 6×5 image/);
    fails(() => slidingWindowShape({ ...window, stride: [0, 1] }), /stride height must be an integer ≥ 1/);
    fails(() => slidingWindowShape({ ...window, depth: 10 }), /depth 10 is below the minimum of 26 beats/);
    const pad = {
      height: 4,
      width: 4,
      channels: 2,
      simd: 2,
      dataType: UINT4,
      padding: { top: 1, bottom: 0, left: 0, right: 1 },
    };
    fails(() => elaborate(Padding, { ...pad, padValue: 16n }), /pad code 16 is not a UINT4 value/);
    fails(
      () => elaborate(Padding, { ...pad, padValue: 0n, padding: { ...pad.padding, left: -1 } }),
      /left must be/,
    );
    fails(
      () => elaborate(MaxPool, { ...window, dataType: UINT4, kernel: [2, 2], stride: [2, 2], simd: 3 }),
      /SIMD 3 does not divide/,
    );
    fails(
      () =>
        elaborate(ConvLayer, {
          ...window,
          pe: 1,
          inputType: UINT4,
          weightType: { kind: "INT", bits: 2 },
          weights: [Array(36).fill(1)],
          activation: { kind: "none" },
          padding: { top: 1, bottom: 1, left: 1, right: 1 },
        }),
      /padding needs padValue/,
    );
  });

  it("elaborates a valid window", () => {
    expect(() => elaborate(SlidingWindow, window)).not.toThrow();
  });
});
