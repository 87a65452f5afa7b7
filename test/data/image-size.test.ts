// Issue 16 item 8: image sizes come from the header and oversized images are refused before
// decoding; loom eval decodes only the split it evaluates.
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { decodeImageBuffer } from "../../src/data/decode.js";
import { headerSize, MAX_IMAGE_SIDE } from "../../src/data/image-size.js";
import { isOneLineError, runLoom } from "../support/run-cli.js";

function png(width: number, height: number): Buffer {
  const p = new PNG({ width, height });
  p.data.fill(200);
  return PNG.sync.write(p);
}

/** A real PNG whose IHDR then claims another size (what a hostile file does). */
function pngClaiming(width: number, height: number): Buffer {
  const b = png(4, 4);
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return b;
}

describe("image header sizes", () => {
  it("reads PNG and JPEG sizes as the decoders do", () => {
    expect(headerSize(png(37, 11))).toEqual({ width: 37, height: 11 });
    const data = Buffer.alloc(23 * 9 * 4, 128);
    const jpg = jpeg.encode({ data, width: 23, height: 9 }, 90).data;
    expect(headerSize(jpg)).toEqual({ width: 23, height: 9 });
    expect(decodeImageBuffer(jpg, "a.jpg")).toMatchObject({ width: 23, height: 9 });
    expect(headerSize(Buffer.from("not an image"))).toBeUndefined();
  });

  it("refuses oversized and headerless images before decoding", () => {
    const started = performance.now();
    expect(() => decodeImageBuffer(pngClaiming(60000, 60000), "big.png")).toThrow(
      /image big\.png is 60000 × 60000 pixels; loom reads images up to 16384 pixels a side/,
    );
    expect(() => decodeImageBuffer(pngClaiming(MAX_IMAGE_SIDE, 5000), "wide.png")).toThrow(/Mpixel/);
    expect(() => decodeImageBuffer(Buffer.from("junk"), "x.png")).toThrow(/no PNG header/);
    expect(() => decodeImageBuffer(png(4, 4).subarray(0, 40), "cut.png")).toThrow(
      /cannot decode image cut\.png/,
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("loom eval reads only the split it evaluates", () => {
  it("an oversized image in train/ does not matter for --split test; in test/ it is one clear error", async () => {
    const data = mkdtempSync(join(tmpdir(), "loom-images-"));
    cpSync("test/fixtures/chest_xray", data, { recursive: true });
    writeFileSync(join(data, "train", "NORMAL", "huge.png"), pngClaiming(30000, 30000));
    const model = "models/pneumonia-w8a8.json";
    const ok = await runLoom(["eval", "--model", model, "--data", data, "--split", "test", "--json"]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).n).toBe(8);
    writeFileSync(join(data, "test", "NORMAL", "huge.png"), pngClaiming(30000, 30000));
    const bad = await runLoom(["eval", "--model", model, "--data", data, "--split", "test"]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/huge\.png is 30000 × 30000 pixels/);
    expect(isOneLineError(bad.stderr)).toBe(true);
  });
});
