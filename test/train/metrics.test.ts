import { describe, expect, it } from "vitest";
import { chooseMargin } from "../../src/train/decide.js";
import { binaryMetrics, rocAuc } from "../../src/train/metrics.js";

describe("binaryMetrics", () => {
  it("counts the confusion matrix with PNEUMONIA (1) as positive", () => {
    const m = binaryMetrics([0, 0, 1, 1, 1], [0, 1, 1, 1, 0], [-1, 2, 3, 4, 0]);
    expect(m.confusion).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(m.accuracy).toBeCloseTo(0.6);
    expect(m.sensitivity).toBeCloseTo(2 / 3);
    expect(m.specificity).toBeCloseTo(0.5);
  });
});

describe("rocAuc", () => {
  it("is 1 for separable scores, 0.5 for ties, and counts ties as one half", () => {
    expect(rocAuc([0, 0, 1, 1], [1, 2, 3, 4])).toBe(1);
    expect(rocAuc([0, 1], [5, 5])).toBe(0.5);
    expect(rocAuc([0, 0, 1, 1], [1, 3, 2, 4])).toBe(0.75);
    expect(rocAuc([0, 1, 1], [2, 2, 3])).toBeCloseTo(0.75);
  });
});

describe("chooseMargin", () => {
  it("puts the threshold in the middle of the best gap", () => {
    // Negatives up to 10, positives from 20: any t in [10, 19] is perfect; the middle is 14.
    const c = chooseMargin([0, 0, 1, 1], [5, 10, 20, 30]);
    expect(c.balancedAccuracy).toBe(1);
    expect(c.margin).toBe(14);
  });

  it("prefers balanced accuracy over plain accuracy", () => {
    // 1 negative at 0, 9 positives (one at -5). t = -6 gives acc 0.9, bal 0.5; t = 0 gives bal ~0.94.
    const labels = [0, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const diff = [0, -5, 3, 4, 5, 6, 7, 8, 9, 10];
    const c = chooseMargin(labels, diff);
    expect(c.margin).toBeGreaterThanOrEqual(0);
    expect(c.margin).toBeLessThan(3);
  });
});
