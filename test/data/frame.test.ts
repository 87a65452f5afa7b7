import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { decodeImageFile } from "../../src/data/decode.js";
import { FrameError, frameBox, frameImage, massExtent } from "../../src/data/frame.js";
import { loadDataset } from "../../src/data/load.js";
import { normalizeImage } from "../../src/data/normalize.js";
import { resizeArea } from "../../src/data/resize.js";
import { parseModel } from "../../src/model/model-load.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/chest_xray");
const tmp = mkdtempSync(join(tmpdir(), "loom-frame-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The extent straight from its definition, by summing each prefix and suffix again. */
function extentByDefinition(p: number[], percent: number): { lo: number; hi: number } {
  const base = Math.min(...p);
  const q = p.map((v) => v - base);
  const total = q.reduce((a, b) => a + b, 0);
  if (total === 0) return { lo: 0, hi: p.length - 1 };
  const sum = (from: number, to: number) => q.slice(from, to + 1).reduce((a, b) => a + b, 0);
  const idx = p.map((_, i) => i);
  const lo = idx.filter((i) => 100 * sum(0, i) > percent * total)[0]!;
  const hi = idx.filter((i) => 100 * sum(i, p.length - 1) > percent * total).at(-1)!;
  return { lo, hi };
}

/** A content image placed at (ox, oy) on a black canvas. */
function place(content: Uint8Array, cw: number, ch: number, w: number, h: number, ox: number, oy: number) {
  const px = new Uint8Array(w * h);
  for (let y = 0; y < ch; y++) px.set(content.subarray(y * cw, (y + 1) * cw), (y + oy) * w + ox);
  return px;
}

describe("massExtent", () => {
  it("cuts percent % of the mass above the minimum at each end, never below half the axis", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(8160), { minLength: 1, maxLength: 40 }), fc.nat(40), (profile, percent) => {
        const got = massExtent(profile, percent);
        const raw = extentByDefinition(profile, percent);
        const least = Math.ceil(profile.length / 2);
        expect(got.lo).toBeGreaterThanOrEqual(0);
        expect(got.hi).toBeLessThan(profile.length);
        if (raw.hi - raw.lo + 1 >= least) {
          expect(got).toEqual(raw);
        } else {
          // Grown to exactly half the axis, covering the cut range where the axis allows.
          expect(got.hi - got.lo + 1).toBe(least);
          expect(got.lo).toBeLessThanOrEqual(raw.lo);
          expect(got.hi).toBeGreaterThanOrEqual(raw.hi);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps the whole axis for a flat profile", () => {
    expect(massExtent([5, 5, 5, 5], 10)).toEqual({ lo: 0, hi: 3 });
  });
});

describe("frameImage", () => {
  it("gives the same image wherever the content sits on a black canvas", () => {
    const arb = fc
      .record({ cw: fc.integer({ min: 6, max: 12 }), ch: fc.integer({ min: 6, max: 12 }) })
      .chain(({ cw, ch }) =>
        fc.record({
          cw: fc.constant(cw),
          ch: fc.constant(ch),
          content: fc.uint8Array({ minLength: cw * ch, maxLength: cw * ch, min: 100 }),
          a: fc.tuple(fc.nat(12 - cw), fc.nat(12 - ch)),
          b: fc.tuple(fc.nat(12 - cw), fc.nat(12 - ch)),
        }),
      );
    fc.assert(
      fc.property(arb, ({ cw, ch, content, a, b }) => {
        // Every content column and row holds more than 1 % of the mass, so the box is the content.
        const fa = frameImage(place(content, cw, ch, 12, 12, ...a), 12, 12, 1);
        const fb = frameImage(place(content, cw, ch, 12, 12, ...b), 12, 12, 1);
        expect(Array.from(fa)).toEqual(Array.from(fb));
      }),
      { numRuns: 200 },
    );
  });

  it("resizes exactly the framing box back to the full size", () => {
    const w = 10;
    const h = 8;
    const content = Uint8Array.from({ length: 6 * 4 }, (_, i) => 40 + i * 7);
    const px = place(content, 6, 4, w, h, 3, 2);
    // Content is 6×4 at (3, 2): at least half of each side, so no growing is needed.
    expect(frameBox(px, w, h, 1)).toEqual({ x: { lo: 3, hi: 8 }, y: { lo: 2, hi: 5 } });
    expect(Array.from(frameImage(px, w, h, 1))).toEqual(
      Array.from(resizeArea({ width: 6, height: 4, pixels: content }, w, h)),
    );
  });

  it("is the identity at 0 % and rejects a tail that would cross the middle", () => {
    const px = Uint8Array.from({ length: 16 }, (_, i) => i * 9);
    expect(frameImage(px, 4, 4, 0)).toBe(px);
    expect(() => frameImage(px, 4, 4, 41)).toThrow(FrameError);
    expect(() => frameImage(px, 4, 4, 2.5)).toThrow(/integer percent in 0\.\.40/);
  });
});

describe("loadDataset with framing", () => {
  it("frames each resized image before normalizing it", () => {
    const cacheDir = join(tmp, "cache");
    const ds = loadDataset(FIXTURE, { width: 16, height: 16, frame: 5, normalize: "stretch", cacheDir });
    expect(ds.frame).toBe(5);
    const test = ds.splits.test!;
    for (let i = 0; i < test.n; i++) {
      const resized = resizeArea(decodeImageFile(join(FIXTURE, test.names[i]!)), 16, 16);
      const want = normalizeImage(frameImage(resized, 16, 16, 5), "stretch");
      expect(Array.from(test.x.subarray(i * 256, (i + 1) * 256))).toEqual(Array.from(want));
    }
  });

  it("model files reject a framing tail above 40 %, naming the field", () => {
    const model = {
      format: "loom-qnn",
      version: 1,
      name: "m",
      input: { shape: [2], datatype: "UINT8", preprocess: { frame: 45, resize: [1, 2] } },
      layers: [],
      output: { argmax: true, classes: ["a", "b"] },
    };
    expect(() => parseModel(model, "bad.json")).toThrow(/bad\.json: input\.preprocess\.frame/);
  });
});
