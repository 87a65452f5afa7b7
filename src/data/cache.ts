// Binary cache of decoded, resized images under .loom-cache/. The key hashes the dataset path,
// the target size, the border crop and every file's name, size and mtime, so any change on disk invalidates it.
// Layout: "LOOMIMG1", u32 LE header length, JSON header, then n·w·h pixel bytes.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ImageEntry } from "./layout.js";

const MAGIC = "LOOMIMG1";
/** Bump when decoding or resizing changes, so stale caches are never reused. */
const CACHE_VERSION = 1;

export function cacheKey(
  root: string,
  width: number,
  height: number,
  entries: ImageEntry[],
  /** The border crop's label, absent for whole images (whose key text predates crops). */
  crop?: string,
): string {
  const h = createHash("sha256");
  const cropText = crop === undefined ? "" : `crop ${crop}\n`;
  h.update(`${CACHE_VERSION}\n${resolve(root)}\n${width}x${height}\n${cropText}`);
  for (const e of entries) h.update(`${e.rel}\t${e.size}\t${e.mtimeMs}\n`);
  return h.digest("hex").slice(0, 24);
}

export function cachePath(dir: string, key: string): string {
  return join(dir, `images-${key}.bin`);
}

/** The cached pixels, or undefined when the file is absent or does not match. */
export function readCache(path: string, count: number, pixelsPerImage: number): Uint8Array | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    return undefined;
  }
  if (buf.length < 12 || buf.toString("latin1", 0, 8) !== MAGIC) return undefined;
  const headerLen = buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString("utf8", 12, 12 + headerLen)) as { count: number; pixels: number };
  if (header.count !== count || header.pixels !== pixelsPerImage) return undefined;
  const data = buf.subarray(12 + headerLen);
  if (data.length !== count * pixelsPerImage) return undefined;
  return new Uint8Array(data);
}

export function writeCache(
  path: string,
  dir: string,
  count: number,
  pixelsPerImage: number,
  data: Uint8Array,
): void {
  mkdirSync(dir, { recursive: true });
  const header = Buffer.from(JSON.stringify({ count, pixels: pixelsPerImage }), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  // Write then rename: a concurrent reader never sees a half-written cache.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat([Buffer.from(MAGIC, "latin1"), len, header, data]));
  renameSync(tmp, path);
}
