// Seed study: each model's validation (+ acquisition copies) and test metrics at its own margin,
// then the ensemble that averages their class-score differences in logit units (s1 − s0 times
// the last layer's scale, each model's folded margin removed), with its margin chosen on
// validation + shifts for balanced accuracy. Analysis only: the compiler has no model merge.
// The last column is a diagnostic, not a result: the best test accuracy any threshold on the
// score could give (chosen on test itself), i.e. how far the score's ranking alone can go.
// Usage: npx tsx bench/seed-ensemble.ts DATA MODEL.json...   (all with the same preprocessing)
import { loadDataset, type Split } from "../src/data/load.js";
import { NO_PER_IMAGE_STEPS, perImageStepsOf } from "../src/data/per-image.js";
import type { Model } from "../src/model/model-format.js";
import { loadModel } from "../src/model/model-load.js";
import { chooseMargin } from "../src/train/decide.js";
import { inferInteger } from "../src/train/int-infer.js";
import { type BinaryMetrics, binaryMetrics } from "../src/train/metrics.js";
import { loadOptionsFor } from "../src/train/model-input.js";
import { ACQUISITION_SHIFTS, withShifts } from "../src/train/shift-suite.js";

const [data, ...files] = process.argv.slice(2);
if (!data || files.length === 0) throw new Error("usage: bench/seed-ensemble.ts DATA MODEL.json...");
const models = files.map((f) => loadModel(f));
const opts = loadOptionsFor(models[0]!);
const ds = loadDataset(data, opts);
const raw = loadDataset(data, { ...opts, ...NO_PER_IMAGE_STEPS }).splits.val!;
const val = withShifts(ds.splits.val!, raw, opts.width, opts.height, perImageStepsOf(opts));
const test = ds.splits.test!;
const copies = 1 + ACQUISITION_SHIFTS.length;

/** s1 − s0 in logit units without the model's folded margin. */
function logits(model: Model, s: Split): number[] {
  const last = model.layers.at(-1)!.activation as { scale: number };
  const margin = (model.meta?.decision as { margin?: number } | undefined)?.margin ?? 0;
  return inferInteger(model, s.x, s.n).scores.map((v) => (v[1]! - v[0]! + margin) * last.scale);
}

function metricsAt(y: ArrayLike<number>, diff: number[], t: number): BinaryMetrics {
  return binaryMetrics(
    y,
    Uint8Array.from(diff, (d) => (d > t ? 1 : 0)),
    diff,
  );
}

/** Pooled, clean and worst-copy balanced accuracy on validation + shifts. */
function valSummary(diff: number[], t: number): string {
  const n = val.n / copies;
  const per = Array.from({ length: copies }, (_, k) =>
    metricsAt(val.y.subarray(k * n, (k + 1) * n), diff.slice(k * n, (k + 1) * n), t),
  );
  const worst = per.reduce((w, m, k) => (m.balancedAccuracy < per[w]!.balancedAccuracy ? k : w), 0);
  const name = worst === 0 ? "none" : ACQUISITION_SHIFTS[worst - 1]!.name;
  const pooled = metricsAt(val.y, diff, t);
  return `${pct(pooled.balancedAccuracy)} ${pct(per[0]!.balancedAccuracy)} ${pct(per[worst]!.balancedAccuracy)} (${name})`;
}

const pct = (v: number) => (100 * v).toFixed(2);

/** The highest test accuracy over every threshold of the score (an oracle, for diagnosis). */
function bestThresholdAccuracy(y: ArrayLike<number>, diff: number[]): number {
  const order = diff.map((d, i) => [d, y[i]!] as const).sort((a, b) => a[0] - b[0]);
  const pos = order.filter(([, c]) => c === 1).length;
  // Threshold below everything: all predicted 1. Moving it past each distinct value flips those.
  let correct = pos;
  let best = correct;
  for (let i = 0; i < order.length; i++) {
    correct += order[i]![1] === 0 ? 1 : -1;
    if (i + 1 === order.length || order[i + 1]![0] !== order[i]![0]) best = Math.max(best, correct);
  }
  return best / order.length;
}

function testSummary(m: BinaryMetrics, diff: number[]): string {
  return `${pct(m.accuracy)} ${pct(m.sensitivity)} ${pct(m.specificity)} ${m.auc.toFixed(4)} ${JSON.stringify(m.confusion)} | ${pct(bestThresholdAccuracy(test.y, diff))}`;
}

process.stdout.write(
  "model | val+shifts, clean, worst copy bal. acc | test acc, sens, spec, AUC, confusion | test-optimal threshold acc (diagnostic)\n",
);
const valDiffs: number[][] = [];
const testDiffs: number[][] = [];
models.forEach((m, i) => {
  const v = logits(m, val);
  const t = logits(m, test);
  valDiffs.push(v);
  testDiffs.push(t);
  // The model's own rule: its integer margin, in logit units.
  const last = m.layers.at(-1)!.activation as { scale: number };
  const own = (((m.meta?.decision as { margin?: number } | undefined)?.margin ?? 0) + 0.5) * last.scale;
  process.stdout.write(
    `${files[i]} | ${valSummary(v, own)} | ${testSummary(metricsAt(test.y, t, own), t)}\n`,
  );
});
const mean = (rows: number[][]) => rows[0]!.map((_, j) => rows.reduce((a, r) => a + r[j]!, 0) / rows.length);
// Integer grid for chooseMargin: logits in units of 1e-4.
const grid = (d: number[]) => d.map((x) => Math.round(x * 1e4));
const ev = grid(mean(valDiffs));
const et = grid(mean(testDiffs));
const choice = chooseMargin(val.y, ev);
process.stdout.write(
  `ensemble of ${models.length} (margin ${choice.margin}e-4) | ${valSummary(ev, choice.margin)} | ${testSummary(metricsAt(test.y, et, choice.margin), et)}\n`,
);
