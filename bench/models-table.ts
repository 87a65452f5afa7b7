// The README's table of shipped models: precision, test metrics (from each model's meta, as
// the trainer measured them), and the zcu104 accelerator's interval and estimated resources.
// Run: npx tsx bench/models-table.ts
import { readdirSync } from "node:fs";
import { compileModel } from "../src/compiler/generate.js";
import { loadModel } from "../src/model/model-load.js";

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const rows: string[] = [];
for (const file of readdirSync("models")
  .filter((f) => /^pneumonia-.*\.json$/.test(f))
  .sort()
  .reverse()) {
  const path = `models/${file}`;
  const model = loadModel(path);
  const metrics = (model.meta?.metrics as { test?: Record<string, number> } | undefined)?.test;
  const c = compileModel(model, { board: "zcu104" });
  const r = c.report;
  const bits = file.replace(/^pneumonia-|\.json$/g, "");
  rows.push(
    `| \`${path}\` | ${bits} | ${metrics ? pct(metrics.accuracy!) : "–"} | ${metrics ? pct(metrics.sensitivity!) : "–"} | ${metrics ? pct(metrics.specificity!) : "–"} | ${r.initiationInterval} | ${r.throughputPerSecond.toLocaleString("en-US")} | ${r.estimate.lut.toLocaleString("en-US")} / ${r.estimate.bram36} / ${r.estimate.dsp} |`,
  );
}
console.log(
  "| model | bits | test accuracy | sensitivity | specificity | II (cycles) | inferences/s at 100 MHz | est. LUT / BRAM36 / DSP |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
