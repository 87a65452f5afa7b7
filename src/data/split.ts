// Stratified, seeded hold-out of a validation set from train/ when the dataset has no val/.
// Images are grouped by patient (derived from the file name) so that one patient's images
// never straddle train and validation: otherwise near-duplicates inflate validation accuracy.
import { Rng } from "../core/rng.js";

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

/** Name series and number of a chest X-ray patient key ("person", "IM", "NORMAL2-IM"); null otherwise. */
export function patientSeries(fileName: string): { series: string; id: number } | null {
  const key = patientKey(fileName);
  const person = /^person(\d+)$/.exec(key);
  if (person) return { series: "person", id: Number(person[1]) };
  const im = /^((?:NORMAL2-)?IM)-(\d+)$/.exec(key);
  if (im) return { series: im[1]!, id: Number(im[2]) };
  return null;
}

/**
 * Patient-ID block hold-out: within each class and each name series, patients are sorted by
 * their number and cut into `folds` contiguous blocks of about equal image count; block `fold`
 * (0 = lowest numbers) is validation. Validation patients then come from an ID range the
 * training set never covers, as the official test set's NORMAL patients do. Names without a
 * patient number form one series ordered by name.
 */
export function blockHoldOut(
  labels: ArrayLike<number>,
  names: string[],
  folds: number,
  fold: number,
): HoldOut {
  if (!(Number.isInteger(folds) && folds >= 2))
    throw new Error(`block folds ${folds} must be an integer ≥ 2`);
  if (!(Number.isInteger(fold) && fold >= 0 && fold < folds))
    throw new Error(`block fold ${fold} must be an integer in 0..${folds - 1}`);
  // label → series → patient key → indices
  const groups = new Map<string, Map<string, { order: number | string; idx: number[] }>>();
  for (let i = 0; i < labels.length; i++) {
    const s = patientSeries(names[i]!);
    const series = `${labels[i]}:${s ? s.series : "other"}`;
    const key = patientKey(names[i]!);
    let m = groups.get(series);
    if (!m) groups.set(series, (m = new Map()));
    let g = m.get(key);
    if (!g) m.set(key, (g = { order: s ? s.id : key, idx: [] }));
    g.idx.push(i);
  }
  const val: number[] = [];
  const train: number[] = [];
  for (const series of [...groups.keys()].sort()) {
    const list = [...groups.get(series)!.values()].sort((a, b) =>
      a.order < b.order ? -1 : a.order > b.order ? 1 : 0,
    );
    const total = list.reduce((n, g) => n + g.idx.length, 0);
    let before = 0;
    for (const g of list) {
      // A patient belongs to the block that holds the middle of its images.
      const block = Math.min(folds - 1, Math.floor((folds * (before + g.idx.length / 2)) / total));
      (block === fold ? val : train).push(...g.idx);
      before += g.idx.length;
    }
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}

/**
 * Source hold-out: the file-name series (`IM-…`, `NORMAL2-IM-…`, `person…`) are taken as image
 * sources. With F = the largest number of series in any class, fold k (0 ≤ k < F) holds out, in
 * a class with F series, the whole k-th series (sorted by name), and in any other class the k-th
 * of F contiguous patient-ID blocks (as blockHoldOut). For the chest X-rays (NORMAL: IM and
 * NORMAL2-IM; PNEUMONIA: person) fold 0 validates on all IM NORMAL patients, fold 1 on all
 * NORMAL2 patients, so the model must recognise NORMAL images of a source it never saw.
 */
export function sourceHoldOut(labels: ArrayLike<number>, names: string[], fold: number): HoldOut {
  const seriesOf = (i: number) => patientSeries(names[i]!)?.series ?? "other";
  const byLabel = new Map<number, Set<string>>();
  for (let i = 0; i < labels.length; i++) {
    let s = byLabel.get(labels[i]!);
    if (!s) byLabel.set(labels[i]!, (s = new Set()));
    s.add(seriesOf(i));
  }
  const folds = Math.max(...[...byLabel.values()].map((s) => s.size));
  if (folds < 2) throw new Error("source hold-out needs a class with at least two file-name series");
  if (!(Number.isInteger(fold) && fold >= 0 && fold < folds))
    throw new Error(`source fold ${fold} must be an integer in 0..${folds - 1}`);
  const val: number[] = [];
  const train: number[] = [];
  const rest: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const series = [...byLabel.get(labels[i]!)!].sort();
    if (series.length === folds) (series[fold] === seriesOf(i) ? val : train).push(i);
    else rest.push(i);
  }
  if (rest.length > 0) {
    const h = blockHoldOut(
      rest.map((i) => labels[i]!),
      rest.map((i) => names[i]!),
      folds,
      fold,
    );
    for (const j of h.val) val.push(rest[j]!);
    for (const j of h.train) train.push(rest[j]!);
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}
