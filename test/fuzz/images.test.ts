// Fuzzing image decoding with malformed and oversized PNG and JPEG files: truncations, byte
// flips, and headers claiming huge sizes. Each case either decodes to an image within the size
// limits whose pixels a second decoder run reproduces, or is refused with a one-line
// ImageDecodeError, fast and without allocating the claimed size.
import fc from "fast-check";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { decodeImageBuffer, ImageDecodeError } from "../../src/data/decode.js";
import { MAX_IMAGE_PIXELS } from "../../src/data/image-size.js";
import { Tally } from "./outcome.js";

function png(width: number, height: number, seed: number): Buffer {
  const p = new PNG({ width, height });
  for (let i = 0; i < p.data.length; i++) p.data[i] = (i * 31 + seed) & 255;
  return PNG.sync.write(p);
}

function jpg(width: number, height: number, seed: number): Uint8Array {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 17 + seed) & 255;
  return jpeg.encode({ data, width, height }, 80).data;
}

const image = fc.record({
  format: fc.constantFrom("png", "jpg"),
  width: fc.integer({ min: 1, max: 24 }),
  height: fc.integer({ min: 1, max: 24 }),
  seed: fc.nat(255),
});

const damage = fc.oneof(
  fc.record({ kind: fc.constant("none" as const) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.double({ min: 0, max: 0.99, noNaN: true }) }),
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), value: fc.nat(255) }),
  fc.record({
    kind: fc.constant("claim" as const),
    // Tiny, or beyond the limits: sizes just under the limit are legal but slow to decode.
    width: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 16385, max: 65535 })),
    height: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 16385, max: 65535 })),
  }),
);

/** Sets the size a PNG's IHDR or a JPEG's SOF0 claims. */
function claim(buf: Uint8Array, format: string, width: number, height: number): void {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (format === "png") {
    v.setUint32(16, width);
    v.setUint32(20, height);
    return;
  }
  for (let p = 2; p + 9 < buf.length; p += 2 + v.getUint16(p + 2)) {
    if (buf[p + 1] === 0xc0) {
      v.setUint16(p + 5, height);
      v.setUint16(p + 7, width);
      return;
    }
  }
}

describe("fuzz: images", () => {
  it("decodes within the limits or refuses in one line", () => {
    const tally = new Tally();
    fc.assert(
      fc.property(image, damage, (img, d) => {
        const buf = Uint8Array.from(
          img.format === "png" ? png(img.width, img.height, img.seed) : jpg(img.width, img.height, img.seed),
        );
        let bytes = buf;
        if (d.kind === "truncate") bytes = buf.subarray(0, Math.floor(d.at * buf.length));
        if (d.kind === "flip") buf[d.at % buf.length] = d.value;
        if (d.kind === "claim") claim(buf, img.format, d.width, d.height);
        const name = `x.${img.format}`;
        const started = performance.now();
        try {
          const out = decodeImageBuffer(bytes, name);
          expect(out.width * out.height).toBeLessThanOrEqual(MAX_IMAGE_PIXELS);
          expect(out.pixels.length).toBe(out.width * out.height);
          expect(decodeImageBuffer(bytes, name).pixels).toEqual(out.pixels);
          if (d.kind === "none") expect([out.width, out.height]).toEqual([img.width, img.height]);
          tally.count(d.kind, true);
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(ImageDecodeError);
          expect((e as Error).message).not.toContain("\n");
          expect(d.kind).not.toBe("none");
          tally.count(d.kind, false);
        }
        expect(performance.now() - started).toBeLessThan(3000);
      }),
      { numRuns: 120, seed: 9, interruptAfterTimeLimit: 12_000 },
    );
    tally.report("images");
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.refused).toBeGreaterThan(0);
  });
});
