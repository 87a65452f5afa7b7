// Finds the images of a dataset laid out as {train,val,test}/{CLASS}/*.{png,jpg,jpeg}.
// Missing folders and empty classes are errors that name the path: images are never dropped silently.
import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { IMAGE_EXTENSIONS } from "./decode.js";

export const SPLITS = ["train", "val", "test"] as const;
export type SplitName = (typeof SPLITS)[number];

export interface ImageEntry {
  split: SplitName;
  label: number;
  /** Path relative to the dataset root, with "/" separators. */
  rel: string;
  size: number;
  mtimeMs: number;
}

export interface DatasetLayout {
  root: string;
  classes: string[];
  /** Splits present on disk; "val" is usually absent and held out from train. */
  splits: SplitName[];
  entries: ImageEntry[];
}

export class DatasetError extends Error {}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Lists a dataset. `classes` fixes the label order (default: the sorted class folders of train/). */
export function scanDataset(root: string, classes?: string[]): DatasetLayout {
  if (!isDir(root)) throw new DatasetError(`dataset folder ${root} does not exist`);
  const splits = SPLITS.filter((s) => isDir(join(root, s)));
  if (splits.length === 0) {
    throw new DatasetError(`dataset folder ${root} has none of the folders ${SPLITS.join(", ")}`);
  }
  const first = splits.includes("train") ? "train" : splits[0]!;
  const names =
    classes ??
    readdirSync(join(root, first))
      .filter((c) => isDir(join(root, first, c)))
      .sort();
  if (names.length < 2) throw new DatasetError(`${join(root, first)} needs at least two class folders`);
  const entries: ImageEntry[] = [];
  for (const split of splits) {
    names.forEach((cls, label) => {
      const dir = join(root, split, cls);
      if (!isDir(dir)) throw new DatasetError(`missing class folder ${dir}`);
      const files = readdirSync(dir)
        .filter((f) => IMAGE_EXTENSIONS.includes(extname(f).toLowerCase()))
        .sort();
      if (files.length === 0) throw new DatasetError(`class folder ${dir} holds no .png/.jpg/.jpeg images`);
      for (const f of files) {
        const st = statSync(join(dir, f));
        entries.push({ split, label, rel: `${split}/${cls}/${f}`, size: st.size, mtimeMs: st.mtimeMs });
      }
    });
  }
  return { root, classes: names, splits, entries };
}
