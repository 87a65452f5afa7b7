// The IDX reader on a three-image fixture (gzipped images, plain labels) and its errors.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadMnist, parseIdxImages, parseIdxLabels } from "../../src/data/mnist.js";

const dir = "test/fixtures/mnist";
const be32 = (...xs: number[]) => {
  const b = Buffer.alloc(4 * xs.length);
  for (const [i, x] of xs.entries()) b.writeUInt32BE(x, 4 * i);
  return b;
};

describe("MNIST IDX reader", () => {
  it("reads gzipped images and plain labels", () => {
    const set = loadMnist(join(dir, "three-images-idx3-ubyte.gz"), join(dir, "three-labels-idx1-ubyte"));
    expect(set.images).toMatchObject({ count: 3, rows: 28, cols: 28 });
    expect([...set.labels]).toEqual([7, 2, 1]);
    expect(set.image(0)).toHaveLength(784);
    expect(set.image(0).reduce((s, p) => s + p, 0)).toBe(18454);
    expect(set.image(0)[7 * 28 + 6]).toBe(84);
  });

  it("rejects bad magic, truncated data, bad labels and mismatched counts", () => {
    expect(() => parseIdxImages(Buffer.concat([be32(0x801, 1, 2, 2), Buffer.alloc(4)]))).toThrow(
      /bad magic 0x00000801, expected 0x00000803/,
    );
    expect(() => parseIdxImages(Buffer.concat([be32(0x803, 2, 2, 2), Buffer.alloc(4)]))).toThrow(
      /20 bytes, expected 24 for 2 images of 2×2/,
    );
    expect(() => parseIdxImages(Buffer.alloc(3))).toThrow(/too short/);
    expect(() => parseIdxLabels(be32(0x803, 0))).toThrow(/bad magic/);
    expect(() => parseIdxLabels(Buffer.concat([be32(0x801, 1), Buffer.from([12])]))).toThrow(/label 0 is 12/);
    const tmp = mkdtempSync(join(tmpdir(), "mnist-"));
    writeFileSync(join(tmp, "l"), gzipSync(Buffer.concat([be32(0x801, 2), Buffer.from([1, 2])])));
    expect(() => loadMnist(join(dir, "three-images-idx3-ubyte.gz"), join(tmp, "l"))).toThrow(
      /3 images but .* has 2 labels/,
    );
    writeFileSync(join(tmp, "bad.gz"), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    expect(() => loadMnist(join(tmp, "bad.gz"), join(tmp, "l"))).toThrow(/corrupt gzip/);
    expect(() => loadMnist(join(tmp, "missing"), join(tmp, "l"))).toThrow(/cannot read/);
  });
});
