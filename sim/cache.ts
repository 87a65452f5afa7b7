// Content-addressed build cache under <repo>/.loom-cache, or $XDG_CACHE_HOME/loom for an
// installed package (or $LOOM_CACHE_DIR). A key hashes
// everything that affects a build, so a test suite builds each distinct design once. Builds
// run in a private temp directory that is renamed into place, so concurrent vitest workers
// racing for the same key never see a half-built entry.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { removeOnInterrupt } from "./interrupt.js";

const MARKER = ".complete";

export function cacheRoot(): string {
  if (process.env.LOOM_CACHE_DIR) return process.env.LOOM_CACHE_DIR;
  // The repo root is the nearest directory above this file holding package.json.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  // An installed package must not write into its own install directory (often read-only, and
  // wiped by every `npm ci`): use the user's cache directory instead.
  if (dir.split(sep).includes("node_modules")) return userCacheDir();
  return join(dir, ".loom-cache");
}

/** $XDG_CACHE_HOME/loom, else ~/.cache/loom (the XDG default). */
function userCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "loom");
}

/** sha256 over the parts, each length-prefixed so ("ab","c") and ("a","bc") differ. */
export function hashKey(parts: ReadonlyArray<string>): string {
  const h = createHash("sha256");
  for (const p of parts) {
    h.update(`${Buffer.byteLength(p)}:`);
    h.update(p);
  }
  return h.digest("hex");
}

export interface CacheEntry {
  dir: string;
  /** True when the entry existed before this call (nothing was built). */
  hit: boolean;
}

/** Builds in the same process share one promise per key. */
const pending = new Map<string, Promise<CacheEntry>>();

export function cachedBuild(
  kind: string,
  key: string,
  build: (dir: string) => Promise<void>,
): Promise<CacheEntry> {
  const dir = join(cacheRoot(), `${kind}-${key.slice(0, 32)}`);
  if (existsSync(join(dir, MARKER))) return Promise.resolve({ dir, hit: true });
  const running = pending.get(dir);
  if (running) return running.then((e) => ({ ...e, hit: true }));
  const job = buildInto(dir, kind, build).finally(() => pending.delete(dir));
  pending.set(dir, job);
  return job;
}

async function buildInto(
  dir: string,
  kind: string,
  build: (dir: string) => Promise<void>,
): Promise<CacheEntry> {
  await mkdir(dirname(dir), { recursive: true });
  const tmp = await mkdtemp(join(dirname(dir), `.tmp-${kind}-`));
  const forget = removeOnInterrupt(tmp);
  try {
    await build(tmp);
    await writeFile(join(tmp, MARKER), "");
    try {
      await rename(tmp, dir);
    } catch (e) {
      // Another worker finished the same key first: its entry is equivalent, use it.
      if (!existsSync(join(dir, MARKER))) throw e;
      await rm(tmp, { recursive: true, force: true });
    }
    return { dir, hit: false };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    forget();
  }
}
