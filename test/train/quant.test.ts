import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { roundHalfEven } from "../../src/model/golden/rounding.js";
import { activationCode, quantizeWeights, weightQmax } from "../../src/train/quant.js";

describe("roundHalfEven", () => {
  it("rounds halves to even and everything else to nearest", () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6, 3].map(roundHalfEven)).toEqual([
      0, 2, 2, -0, -2, -2, 2, -3, 3,
    ]);
  });
});

describe("quantizeWeights", () => {
  it("produces narrow-range codes whose reconstruction is close to the weights", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        fc.boolean(),
        fc.array(fc.float({ min: -3, max: 3, noNaN: true }), { minLength: 12, maxLength: 12 }),
        (bits, perChannel, vals) => {
          const w = Float32Array.from(vals);
          const q = quantizeWeights(w, 3, 4, bits, perChannel);
          const qmax = weightQmax(bits);
          for (let i = 0; i < 12; i++) {
            const c = q.codes[i]!;
            expect(Number.isInteger(c) && Math.abs(c) <= qmax).toBe(true);
            const s = q.scale[Math.floor(i / 4)]!;
            // Inside the clip range the error is at most half a step.
            if (Math.abs(w[i]!) <= s * qmax)
              expect(Math.abs(c * s - w[i]!)).toBeLessThanOrEqual(s / 2 + 1e-6);
          }
          if (!perChannel) expect(new Set(q.scale).size).toBe(1);
        },
      ),
    );
  });

  it("makes 1-bit weights bipolar with the mean-|w| scale", () => {
    const q = quantizeWeights(Float32Array.from([0.5, -1.5, 0, 2]), 1, 4, 1, true);
    expect(Array.from(q.codes)).toEqual([1, -1, 1, 1]);
    expect(q.scale[0]).toBeCloseTo(1, 6);
  });

  it("8-bit scaling keeps the largest weight representable exactly", () => {
    const q = quantizeWeights(Float32Array.from([0.1, -0.2, 0.05, 0.3]), 1, 4, 8, true);
    expect(Math.max(...Array.from(q.codes, Math.abs))).toBe(127);
  });
});

describe("activationCode", () => {
  it("folds ReLU and saturation into the clamp", () => {
    expect(activationCode(-1, 0.5, 15)).toBe(0);
    expect(activationCode(1.25, 0.5, 15)).toBe(2);
    expect(activationCode(100, 0.5, 15)).toBe(15);
  });
});
