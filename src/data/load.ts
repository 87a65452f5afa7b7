// Loads a dataset as UINT8 tensors at the model's input size: scan, decode, crop, resize (cached),
// per-image framing and normalization, and the validation hold-out when there is no val/ folder.
import { join } from "node:path";
import { cacheKey, cachePath, readCache, writeCache } from "./cache.js";
import { type Crop, cropLabel, isNoCrop, NO_CROP } from "./crop.js";
import { decodeImageFile } from "./decode.js";
import { type ImageEntry, type SplitName, scanDataset } from "./layout.js";
import type { Normalization } from "./normalize.js";
import { applyPerImage, type PerImageSteps, perImageStepsOf } from "./per-image.js";
import { cropResize } from "./preprocess.js";
import { blockHoldOut, sourceHoldOut, stratifiedHoldOut } from "./split.js";

export interface Split {
  /** n images of `dim` UINT8 codes each, row-major. */
  x: Uint8Array;
  y: Uint8Array;
  names: string[];
  n: number;
  dim: number;
}

export interface LoadedDataset {
  classes: string[];
  width: number;
  height: number;
  crop: Crop;
  /** Tail percent of content framing after resizing (0 = off). */
  frame: number;
  normalize: Normalization;
  /** How validation was obtained: the val/ folder, or a hold-out of train/. */
  valSource: "folder" | "holdout";
  splits: Partial<Record<SplitName, Split>>;
}

export type ValStrategy =
  | { kind: "random" }
  | { kind: "block"; folds: number; fold: number }
  | { kind: "source"; fold: number };

export interface LoadOptions {
  width: number;
  height: number;
  /** Border crop applied to each decoded source image before resizing (default none). */
  crop?: Crop;
  /** Content framing of each resized image (src/data/frame.ts), tail percent; default 0 = off. */
  frame?: number;
  normalize?: Normalization;
  classes?: string[];
  /** Fraction of train/ held out per class when there is no val/ (default 0.15). */
  valFraction?: number;
  /** Seed of the hold-out (default 1). */
  splitSeed?: number;
  /**
   * How the hold-out is drawn: "random" (patient groups shuffled with splitSeed, valFraction per
   * class; the default), "block" (contiguous patient-ID blocks, see blockHoldOut) or "source"
   * (whole file-name series held out, see sourceHoldOut).
   */
  valStrategy?: ValStrategy;
  /** Only these splits are built (and only their images decoded); default all. */
  splits?: SplitName[];
  cacheDir?: string;
  onProgress?: (done: number, total: number) => void;
}

/** Decodes, crops and resizes every entry, using the cache when it matches. */
function decodeAll(root: string, entries: ImageEntry[], opts: LoadOptions): Uint8Array {
  const dim = opts.width * opts.height;
  const dir = opts.cacheDir ?? ".loom-cache";
  const crop = opts.crop ?? NO_CROP;
  const label = isNoCrop(crop) ? undefined : cropLabel(crop);
  const path = cachePath(dir, cacheKey(root, opts.width, opts.height, entries, label));
  const cached = readCache(path, entries.length, dim);
  if (cached) return cached;
  const data = new Uint8Array(entries.length * dim);
  entries.forEach((e, i) => {
    data.set(cropResize(decodeImageFile(join(root, e.rel)), { ...opts, crop }, e.rel), i * dim);
    opts.onProgress?.(i + 1, entries.length);
  });
  try {
    writeCache(path, dir, entries.length, dim, data);
  } catch {
    // A read-only tree only costs speed next time; the data itself is correct.
  }
  return data;
}

/** Decoded images of some entries: position of entry k in `data`. */
interface Decoded {
  data: Uint8Array;
  at: Map<number, number>;
}

function gather(
  decoded: Decoded,
  entries: ImageEntry[],
  idx: number[],
  size: { width: number; height: number },
  steps: PerImageSteps,
): Split {
  const dim = size.width * size.height;
  const x = new Uint8Array(idx.length * dim);
  const y = new Uint8Array(idx.length);
  idx.forEach((k, i) => {
    const p = decoded.at.get(k)!;
    x.set(
      applyPerImage(decoded.data.subarray(p * dim, (p + 1) * dim), size.width, size.height, steps),
      i * dim,
    );
    y[i] = entries[k]!.label;
  });
  return { x, y, names: idx.map((k) => entries[k]!.rel), n: idx.length, dim };
}

/** Entry indices of each split (the hold-out drawn from train/ when there is no val/ folder). */
function splitIndices(
  layout: ReturnType<typeof scanDataset>,
  opts: LoadOptions,
): { idx: Partial<Record<SplitName, number[]>>; valSource: "folder" | "holdout" } {
  const idxOf = (s: SplitName) => layout.entries.flatMap((e, i) => (e.split === s ? [i] : []));
  const idx: Partial<Record<SplitName, number[]>> = {};
  let valSource: "folder" | "holdout" = "folder";
  if (layout.splits.includes("train")) {
    const trainIdx = idxOf("train");
    if (layout.splits.includes("val")) {
      idx.train = trainIdx;
      idx.val = idxOf("val");
    } else {
      valSource = "holdout";
      const labels = trainIdx.map((i) => layout.entries[i]!.label);
      const names = trainIdx.map((i) => layout.entries[i]!.rel);
      const strategy = opts.valStrategy ?? { kind: "random" };
      const h =
        strategy.kind === "block"
          ? blockHoldOut(labels, names, strategy.folds, strategy.fold)
          : strategy.kind === "source"
            ? sourceHoldOut(labels, names, strategy.fold)
            : stratifiedHoldOut(labels, names, opts.valFraction ?? 0.15, opts.splitSeed ?? 1);
      idx.train = h.train.map((j) => trainIdx[j]!);
      idx.val = h.val.map((j) => trainIdx[j]!);
    }
  } else if (layout.splits.includes("val")) {
    idx.val = idxOf("val");
  }
  if (layout.splits.includes("test")) idx.test = idxOf("test");
  return { idx, valSource };
}

export function loadDataset(root: string, opts: LoadOptions): LoadedDataset {
  const layout = scanDataset(root, opts.classes);
  const { idx, valSource } = splitIndices(layout, opts);
  const wanted = (Object.keys(idx) as SplitName[]).filter((s) => !opts.splits || opts.splits.includes(s));
  // Decode only the images of the wanted splits (in file order, so the cache key is stable).
  const needed = [...new Set(wanted.flatMap((s) => idx[s]!))].sort((a, b) => a - b);
  const decoded: Decoded = {
    data: decodeAll(
      root,
      needed.map((k) => layout.entries[k]!),
      opts,
    ),
    at: new Map(needed.map((k, p) => [k, p])),
  };
  const size = { width: opts.width, height: opts.height };
  const steps = perImageStepsOf(opts);
  const splits: Partial<Record<SplitName, Split>> = {};
  for (const s of wanted) splits[s] = gather(decoded, layout.entries, idx[s]!, size, steps);
  return {
    classes: layout.classes,
    width: opts.width,
    height: opts.height,
    crop: opts.crop ?? NO_CROP,
    frame: steps.frame,
    normalize: steps.normalize,
    valSource,
    splits,
  };
}
