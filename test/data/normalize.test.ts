import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NORMALIZATIONS, normalizeImage } from "../../src/data/normalize.js";

describe("normalizeImage", () => {
  it("minmax stretches the range to 0..255", () => {
    expect(Array.from(normalizeImage(Uint8Array.from([10, 20, 30]), "minmax"))).toEqual([0, 128, 255]);
  });

  it("maps a flat image to mid-grey instead of dividing by zero", () => {
    for (const mode of ["minmax", "stretch", "histeq"] as const) {
      expect(Array.from(normalizeImage(Uint8Array.from([7, 7, 7]), mode))).toEqual([128, 128, 128]);
    }
  });

  it("histogram equalization spreads distinct values evenly", () => {
    expect(Array.from(normalizeImage(Uint8Array.from([5, 5, 9, 200]), "histeq"))).toEqual([0, 0, 128, 255]);
  });

  it("every mode is deterministic and preserves the order of pixel values", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.constantFrom(...NORMALIZATIONS),
        (px, mode) => {
          const a = normalizeImage(px, mode);
          expect(Array.from(normalizeImage(px, mode))).toEqual(Array.from(a));
          for (let i = 0; i < px.length; i++) {
            for (let j = 0; j < px.length; j++) if (px[i]! < px[j]!) expect(a[i]!).toBeLessThanOrEqual(a[j]!);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
