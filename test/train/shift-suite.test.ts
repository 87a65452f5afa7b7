import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { frameImage } from "../../src/data/frame.js";
import type { Split } from "../../src/data/load.js";
import { normalizeImage } from "../../src/data/normalize.js";
import { NO_PER_IMAGE_STEPS } from "../../src/data/per-image.js";
import { ACQUISITION_SHIFTS, withShifts } from "../../src/train/shift-suite.js";

const W = 8;
const H = 6;
const shift = (name: string) => ACQUISITION_SHIFTS.find((s) => s.name === name)!;
const image = fc.uint8Array({ minLength: W * H, maxLength: W * H });

describe("acquisition-shift suite", () => {
  it("has twelve distinct, deterministic shifts that keep the image size", () => {
    expect(new Set(ACQUISITION_SHIFTS.map((s) => s.name)).size).toBe(12);
    fc.assert(
      fc.property(image, fc.nat(1000), (px, i) => {
        for (const s of ACQUISITION_SHIFTS) {
          const a = s.apply(px, W, H, i);
          expect(a.length).toBe(px.length);
          expect(s.apply(px, W, H, i)).toEqual(a);
        }
      }),
      { numRuns: 50 },
    );
  });

  it("brightness adds a constant with clamping", () => {
    fc.assert(
      fc.property(image, (px) => {
        expect(shift("brightness +20").apply(px, W, H, 0)).toEqual(
          Uint8Array.from(px, (v) => Math.min(255, v + 20)),
        );
        expect(shift("brightness −20").apply(px, W, H, 0)).toEqual(
          Uint8Array.from(px, (v) => Math.max(0, v - 20)),
        );
      }),
    );
  });

  it("contrast keeps a flat image, gamma keeps 0 and 255, blur keeps a constant image", () => {
    const flat = new Uint8Array(W * H).fill(77);
    expect(shift("contrast ×1.25").apply(flat, W, H, 0)).toEqual(flat);
    expect(shift("blur 3x3").apply(flat, W, H, 0)).toEqual(flat);
    expect(shift("zoom 1.1").apply(flat, W, H, 0)).toEqual(flat);
    const ends = Uint8Array.from({ length: W * H }, (_, i) => (i % 2 ? 255 : 0));
    expect(shift("gamma 1.33").apply(ends, W, H, 0)).toEqual(ends);
  });

  it("translation moves pixels and repeats the edge", () => {
    const px = Uint8Array.from({ length: W * H }, (_, i) => i);
    const out = shift("shift(2,2)").apply(px, W, H, 0);
    expect(out[3 * W + 4]).toBe(px[1 * W + 2]);
    expect(out[0]).toBe(px[0]);
    const back = shift("shift(-2,-2)").apply(px, W, H, 0);
    expect(back[1 * W + 2]).toBe(px[3 * W + 4]);
  });

  it("blur is the rounded binomial average", () => {
    const px = new Uint8Array(W * H);
    px[2 * W + 3] = 160;
    const out = shift("blur 3x3").apply(px, W, H, 0);
    expect(out[2 * W + 3]).toBe(40); // 160·4/16
    expect(out[1 * W + 3]).toBe(20); // 160·2/16
    expect(out[1 * W + 2]).toBe(10); // 160·1/16
  });

  it("noise has about the stated spread and depends on the image index", () => {
    const px = new Uint8Array(64 * 64).fill(128);
    const a = shift("noise σ=10").apply(px, 64, 64, 0);
    const b = shift("noise σ=10").apply(px, 64, 64, 1);
    expect(a).not.toEqual(b);
    const sd = Math.sqrt(a.reduce((s, v) => s + (v - 128) ** 2, 0) / a.length);
    expect(sd).toBeGreaterThan(9);
    expect(sd).toBeLessThan(11);
  });

  it("withShifts appends one framed and normalized copy per shift with the same labels", () => {
    const n = 3;
    const raw: Split = {
      x: Uint8Array.from({ length: n * W * H }, (_, i) => (i * 37) % 256),
      y: Uint8Array.from([0, 1, 1]),
      names: ["a.png", "b.png", "c.png"],
      n,
      dim: W * H,
    };
    const clean: Split = { ...raw, x: new Uint8Array(raw.x.length) };
    for (let i = 0; i < n; i++) {
      clean.x.set(normalizeImage(raw.x.subarray(i * W * H, (i + 1) * W * H), "histeq"), i * W * H);
    }
    // The copies are shifted first, then framed, then normalized, as a host would treat them.
    const all = withShifts(clean, raw, W, H, { frame: 5, normalize: "histeq" });
    expect(all.n).toBe(n * 13);
    expect(Array.from(all.y)).toEqual(Array.from({ length: 13 }, () => [0, 1, 1]).flat());
    expect(all.names[n]).toBe(`a.png#${ACQUISITION_SHIFTS[0]!.name}`);
    expect(all.x.subarray(0, n * W * H)).toEqual(clean.x);
    const s = ACQUISITION_SHIFTS[6]!;
    const shifted = s.apply(raw.x.subarray(W * H, 2 * W * H), W, H, 1);
    const expected = normalizeImage(frameImage(shifted, W, H, 5), "histeq");
    expect(all.x.subarray((7 * n + 1) * W * H, (7 * n + 2) * W * H)).toEqual(expected);
    expect(() => withShifts(clean, { ...raw, n: 2 }, W, H, NO_PER_IMAGE_STEPS)).toThrow(/same images/);
  });
});
