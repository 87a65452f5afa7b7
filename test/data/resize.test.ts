import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resizeArea } from "../../src/data/resize.js";

const img = (width: number, height: number, pixels: number[]) => ({
  width,
  height,
  pixels: Uint8Array.from(pixels),
});

describe("resizeArea", () => {
  it("halves by averaging 2×2 blocks, rounding half up", () => {
    const out = resizeArea(img(4, 2, [0, 1, 10, 20, 0, 0, 30, 40]), 2, 1);
    // (0+1+0+0)/4 = 0.25 → 0; (10+20+30+40)/4 = 25.
    expect(Array.from(out)).toEqual([0, 25]);
    expect(Array.from(resizeArea(img(2, 1, [1, 2]), 1, 1))).toEqual([2]); // 1.5 rounds up
  });

  it("weights partial overlaps exactly (3 → 2 pixels)", () => {
    // Output 0 covers pixel 0 fully and half of pixel 1: (2·0 + 1·90) / 3 = 30.
    expect(Array.from(resizeArea(img(3, 1, [0, 90, 255]), 2, 1))).toEqual([30, 200]);
  });

  it("keeps the size when it already matches", () => {
    expect(Array.from(resizeArea(img(2, 2, [1, 2, 3, 4]), 2, 2))).toEqual([1, 2, 3, 4]);
  });

  it("keeps constant images constant and stays within the input range", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 255 }),
        (sw, sh, dw, dh, seed) => {
          const px = Array.from({ length: sw * sh }, (_, i) => (seed * 31 + i * 17) % 256);
          const out = resizeArea(img(sw, sh, px), dw, dh);
          expect(out.length).toBe(dw * dh);
          const lo = Math.min(...px);
          const hi = Math.max(...px);
          for (const v of out) expect(v >= lo && v <= hi).toBe(true);
          const flat = resizeArea(img(sw, sh, new Array(sw * sh).fill(seed)), dw, dh);
          expect(flat.every((v) => v === seed)).toBe(true);
        },
      ),
    );
  });
});
