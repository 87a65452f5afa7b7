import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { decodeImageBuffer } from "../../src/data/decode.js";
import { loadDataset } from "../../src/data/load.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/chest_xray");
const tmp = mkdtempSync(join(tmpdir(), "loom-data-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("loadDataset on the committed chest X-ray sample", () => {
  it("loads train/test, holds out a stratified validation set and caches the decoded images", () => {
    const cacheDir = join(tmp, "cache");
    const opts = { width: 16, height: 16, cacheDir, valFraction: 0.2, splitSeed: 3 };
    const ds = loadDataset(FIXTURE, opts);
    expect(ds.classes).toEqual(["NORMAL", "PNEUMONIA"]);
    expect(ds.valSource).toBe("holdout");
    const { train, val, test } = ds.splits;
    expect(train!.n + val!.n).toBe(20);
    expect(Array.from(val!.y).filter((y) => y === 0).length).toBe(2);
    expect(test!.n).toBe(8);
    expect(train!.x.length).toBe(train!.n * 256);
    expect(readdirSync(cacheDir).length).toBe(1);
    // Second load comes from the cache and is identical.
    let decoded = 0;
    const again = loadDataset(FIXTURE, { ...opts, onProgress: () => decoded++ });
    expect(decoded).toBe(0);
    expect(Buffer.from(again.splits.test!.x).equals(Buffer.from(test!.x))).toBe(true);
  });

  it("uses a val/ folder when there is one", () => {
    const root = join(tmp, "withval");
    cpSync(FIXTURE, root, { recursive: true });
    cpSync(join(root, "test"), join(root, "val"), { recursive: true });
    const ds = loadDataset(root, { width: 8, height: 8, cacheDir: join(tmp, "c2") });
    expect(ds.valSource).toBe("folder");
    expect(ds.splits.val!.n).toBe(8);
    expect(ds.splits.train!.n).toBe(20);
  });
});

describe("bad data", () => {
  const make = (name: string) => {
    const root = join(tmp, name);
    for (const c of ["NORMAL", "PNEUMONIA"]) mkdirSync(join(root, "train", c), { recursive: true });
    cpSync(join(FIXTURE, "train/NORMAL/IM-0115-0001.png"), join(root, "train/NORMAL/a.png"));
    cpSync(
      join(FIXTURE, "train/PNEUMONIA/person1000_bacteria_2931.png"),
      join(root, "train/PNEUMONIA/b.png"),
    );
    return root;
  };

  it("names a missing dataset folder", () => {
    expect(() => loadDataset(join(tmp, "nope"), { width: 8, height: 8 })).toThrow(/nope does not exist/);
  });

  it("names an empty class folder", () => {
    const root = make("empty");
    rmSync(join(root, "train/PNEUMONIA/b.png"));
    expect(() => loadDataset(root, { width: 8, height: 8, cacheDir: join(tmp, "c3") })).toThrow(
      /PNEUMONIA holds no/,
    );
  });

  it("names a class folder missing from one split", () => {
    const root = make("missing");
    mkdirSync(join(root, "test/NORMAL"), { recursive: true });
    cpSync(join(root, "train/NORMAL/a.png"), join(root, "test/NORMAL/a.png"));
    expect(() => loadDataset(root, { width: 8, height: 8, cacheDir: join(tmp, "c4") })).toThrow(
      /missing class folder .*test\/PNEUMONIA/,
    );
  });

  it("names an unreadable image instead of dropping it", () => {
    const root = make("corrupt");
    writeFileSync(join(root, "train/NORMAL/broken.png"), "not a png");
    expect(() => loadDataset(root, { width: 8, height: 8, cacheDir: join(tmp, "c5") })).toThrow(
      /broken\.png/,
    );
    expect(existsSync(join(tmp, "c5"))).toBe(false);
  });
});

describe("decodeImageBuffer", () => {
  it("converts colour PNG to integer luma", () => {
    const png = new PNG({ width: 2, height: 1 });
    png.data.set([255, 0, 0, 255, 10, 10, 10, 255]);
    const img = decodeImageBuffer(PNG.sync.write(png), "x.png");
    expect(Array.from(img.pixels)).toEqual([(77 * 255 + 128) >> 8, 10]);
  });

  it("decodes JPEG", () => {
    const data = Buffer.alloc(8 * 8 * 4, 200);
    const jpg = jpeg.encode({ data, width: 8, height: 8 }, 95).data;
    const img = decodeImageBuffer(jpg, "x.jpeg");
    expect(img.width).toBe(8);
    expect(Math.abs(img.pixels[0]! - 200)).toBeLessThanOrEqual(2);
  });
});
