// Per-shift validation metrics of a trained model: which acquisition shift (protocol 3's suite)
// costs it most, at the model's own decision margin, and the worst copy (protocol 5's criterion).
// Usage: npx tsx bench/shift-breakdown.ts MODEL.json [DATA]   (DATA: ../shared/data/chest_xray)
import { loadDataset } from "../src/data/load.js";
import { NO_PER_IMAGE_STEPS, perImageStepsOf } from "../src/data/per-image.js";
import { loadModel } from "../src/model/model-load.js";
import { loadOptionsFor } from "../src/train/model-input.js";
import { perShiftMetrics, worstShift } from "../src/train/shift-report.js";
import { withShifts } from "../src/train/shift-suite.js";

const [file, data = "../shared/data/chest_xray"] = process.argv.slice(2);
if (!file) throw new Error("usage: bench/shift-breakdown.ts MODEL.json [DATA]");
const model = loadModel(file);
const common = loadOptionsFor(model);
const { width, height } = common;
const clean = loadDataset(data, common).splits.val!;
const raw = loadDataset(data, { ...common, ...NO_PER_IMAGE_STEPS }).splits.val!;
const list = perShiftMetrics(model, withShifts(clean, raw, width, height, perImageStepsOf(common)));
const pct = (v: number) => (100 * v).toFixed(2).padStart(6);
process.stdout.write("shift              bal.acc   sens   spec    AUC\n");
for (const { shift, metrics: m } of list) {
  process.stdout.write(
    `${shift.padEnd(18)} ${pct(m.balancedAccuracy)} ${pct(m.sensitivity)} ${pct(m.specificity)} ${m.auc.toFixed(4)}\n`,
  );
}
const w = worstShift(list);
process.stdout.write(`worst copy: ${pct(w.metrics.balancedAccuracy).trim()} (${w.shift})\n`);
