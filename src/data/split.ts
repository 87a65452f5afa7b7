// Stratified, seeded hold-out of a validation set from train/ when the dataset has no val/.
// Images are grouped by patient (derived from the file name) so that one patient's images
// never straddle train and validation: otherwise near-duplicates inflate validation accuracy.
import { Rng } from "../train/rng.js";

/** Patient key of a chest X-ray file name; falls back to the whole name for other datasets. */
export function patientKey(fileName: string): string {
  const base = fileName.replace(/^.*\//, "");
  const person = /^(person\d+)_/i.exec(base);
  if (person) return person[1]!.toLowerCase();
  const im = /^((?:NORMAL2-)?IM-\d+)-/i.exec(base);
  if (im) return im[1]!.toUpperCase();
  return base;
}

export interface HoldOut {
  train: number[];
  val: number[];
}

/**
 * Splits item indices: for each label, patient groups are shuffled with the seed and moved to
 * validation until about `fraction` of that label's images are there.
 */
export function stratifiedHoldOut(
  labels: ArrayLike<number>,
  names: string[],
  fraction: number,
  seed: number,
): HoldOut {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`validation fraction ${fraction} must be in (0, 1)`);
  const rng = new Rng(seed);
  const byLabel = new Map<number, Map<string, number[]>>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    let groups = byLabel.get(label);
    if (!groups) byLabel.set(label, (groups = new Map()));
    const key = patientKey(names[i]!);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const val: number[] = [];
  const train: number[] = [];
  for (const label of [...byLabel.keys()].sort((a, b) => a - b)) {
    const groups = byLabel.get(label)!;
    const keys = [...groups.keys()].sort();
    rng.shuffle(keys);
    const total = keys.reduce((n, k) => n + groups.get(k)!.length, 0);
    const want = Math.round(total * fraction);
    let taken = 0;
    for (const k of keys) {
      const g = groups.get(k)!;
      if (taken < want) {
        val.push(...g);
        taken += g.length;
      } else train.push(...g);
    }
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}
