import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { CropError, cropImage, cropMargins, parseCrop } from "../../src/data/crop.js";
import { decodeImageFile } from "../../src/data/decode.js";
import { loadDataset } from "../../src/data/load.js";
import { resizeArea } from "../../src/data/resize.js";
import { parseModel } from "../../src/model/model-load.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/chest_xray");
const tmp = mkdtempSync(join(tmpdir(), "loom-crop-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("parseCrop", () => {
  it("reads one percent for all sides or top,bottom,left,right", () => {
    expect(parseCrop("10")).toEqual({ top: 10, bottom: 10, left: 10, right: 10 });
    expect(parseCrop("5, 15,10,0")).toEqual({ top: 5, bottom: 15, left: 10, right: 0 });
  });

  it("rejects malformed or impossible crops with the reason", () => {
    for (const bad of ["", "x", "1,2", "1.5", "-1", "1,2,3,4,5", "100"]) {
      expect(() => parseCrop(bad)).toThrow(CropError);
    }
    expect(() => parseCrop("60,40,0,0")).toThrow(/top \+ bottom and left \+ right must each stay below 100/);
    expect(() => parseCrop("1,2")).toThrow(/top,bottom,left,right/);
  });
});

describe("cropImage", () => {
  it("keeps exactly the pixels inside the floor(size · percent / 100) margins", () => {
    const arb = fc.record({
      width: fc.integer({ min: 1, max: 40 }),
      height: fc.integer({ min: 1, max: 40 }),
      crop: fc.tuple(fc.nat(49), fc.nat(49), fc.nat(49), fc.nat(49)),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(arb, ({ width, height, crop: [top, bottom, left, right], seed }) => {
        const pixels = Uint8Array.from({ length: width * height }, (_, i) => (i * 131 + seed) & 255);
        const c = { top, bottom, left, right };
        const out = cropImage({ width, height, pixels }, c, "random.png");
        // Independent model: the margins by their definition, then pixel (x, y) of the result is
        // pixel (x + left, y + top) of the source.
        const t = Math.floor((height * top) / 100);
        const b = Math.floor((height * bottom) / 100);
        const l = Math.floor((width * left) / 100);
        const r = Math.floor((width * right) / 100);
        expect(cropMargins(c, width, height)).toEqual({ top: t, bottom: b, left: l, right: r });
        expect([out.width, out.height]).toEqual([width - l - r, height - t - b]);
        for (let y = 0; y < out.height; y++) {
          for (let x = 0; x < out.width; x++) {
            expect(out.pixels[y * out.width + x]).toBe(pixels[(y + t) * width + x + l]);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("crops 64×64 sources by whole pixels: 5 % = 3, 10 % = 6, 15 % = 9", () => {
    expect(cropMargins(parseCrop("5,10,15,0"), 64, 64)).toEqual({ top: 3, bottom: 6, left: 9, right: 0 });
  });
});

describe("loadDataset with a crop", () => {
  it("crops each decoded source before resizing, and caches cropped and whole images apart", () => {
    const cacheDir = join(tmp, "cache");
    const crop = parseCrop("5,15,10,10");
    const cropped = loadDataset(FIXTURE, { width: 16, height: 16, crop, cacheDir });
    const whole = loadDataset(FIXTURE, { width: 16, height: 16, cacheDir });
    expect(readdirSync(cacheDir).length).toBe(2);
    expect(cropped.crop).toEqual(crop);
    const test = cropped.splits.test!;
    for (let i = 0; i < test.n; i++) {
      const src = decodeImageFile(join(FIXTURE, test.names[i]!));
      const want = resizeArea(cropImage(src, crop, test.names[i]!), 16, 16);
      expect(Array.from(test.x.subarray(i * 256, (i + 1) * 256))).toEqual(Array.from(want));
    }
    expect(Buffer.from(test.x).equals(Buffer.from(whole.splits.test!.x))).toBe(false);
    // A second load reads the cropped cache, not the whole-image one.
    const again = loadDataset(FIXTURE, { width: 16, height: 16, crop, cacheDir });
    expect(Buffer.from(again.splits.test!.x).equals(Buffer.from(test.x))).toBe(true);
  });
});

describe("model files with a crop", () => {
  it("reject a crop that leaves nothing, naming the field", () => {
    const model = {
      format: "loom-qnn",
      version: 1,
      name: "m",
      input: {
        shape: [2],
        datatype: "UINT8",
        preprocess: { crop: { top: 50, bottom: 50, left: 0, right: 0 }, resize: [1, 2] },
      },
      layers: [],
      output: { argmax: true, classes: ["a", "b"] },
    };
    expect(() => parseModel(model, "bad.json")).toThrow(/bad\.json: input\.preprocess\.crop.*stay below 100/);
  });
});
