// `loom train --arch`: trains a convolutional network with the data, augmentation and
// validation protocol of the MLP runs (src/train/run.ts) and reports validation (and test)
// metrics of the trained fake-quantized network. It does not write a Loom model: the model
// format has no convolution layers yet. It writes a checkpoint (parameters, batch-norm
// statistics, clips, metrics) and a report instead, so that an exporter can pick the network up.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Split } from "../../data/load.js";
import { chooseMargin } from "../decide.js";
import { type BinaryMetrics, binaryMetrics } from "../metrics.js";
import { loadTrainingData, type RunOptions } from "../run.js";
import { type EpochRecord, INPUT_SCALE } from "../trainer.js";
import { describeLayer, type LayerSpec } from "./arch.js";
import type { QuantCnn } from "./net.js";
import { trainCnn } from "./train.js";

export interface CnnRunOptions extends Omit<RunOptions, "hidden" | "dropout"> {
  arch: LayerSpec[];
}

export interface CnnRunResult {
  checkpoint: string;
  report: string;
  history: EpochRecord[];
  bestEpoch: number;
  /** Decision margin on s1 − s0 in thousandths of a score unit, chosen on validation. */
  margin: number;
  val: BinaryMetrics;
  test?: BinaryMetrics;
  epochSeconds: number;
}

/** s1 − s0 of every image (evaluation mode: batch norm uses running statistics). */
function scoreDifferences(net: QuantCnn, s: Split): number[] {
  const B = 128;
  const diff: number[] = [];
  for (let start = 0; start < s.n; start += B) {
    const n = Math.min(B, s.n - start);
    const x = new Float32Array(n * s.dim);
    for (let i = 0; i < x.length; i++) x[i] = s.x[start * s.dim + i]! * INPUT_SCALE;
    const logits = net.forward(x, n);
    for (let r = 0; r < n; r++) diff.push(logits[2 * r + 1]! - logits[2 * r]!);
  }
  return diff;
}

/** Scores as integers in thousandths, so that the integer margin rule of decide.ts applies. */
const milli = (d: number[]) => d.map((v) => Math.round(v * 1000));

function metricsAt(s: Split, diff: number[], margin: number): BinaryMetrics {
  const m = milli(diff);
  return binaryMetrics(
    s.y,
    m.map((v) => (v > margin ? 1 : 0)),
    m,
  );
}

export function runCnnTraining(opts: CnnRunOptions): CnnRunResult {
  const { train, val, test, K, ds } = loadTrainingData(opts);
  const t = trainCnn(train, val, opts.width, opts.height, K, { ...opts });
  const valDiff = scoreDifferences(t.net, val);
  const margin = chooseMargin(val.y, milli(valDiff)).margin;
  const vm = metricsAt(val, valDiff, margin);
  const tm = opts.reportTest && test ? metricsAt(test, scoreDifferences(t.net, test), margin) : undefined;
  const epochSeconds = t.history.reduce((a, h) => a + h.seconds, 0) / Math.max(1, t.history.length);
  const base = opts.out.replace(/\.json$/, "");
  const checkpoint = `${base}-checkpoint.json`;
  const report = `${base}.md`;
  const arch = opts.arch.map(describeLayer).join("-");
  const layers = t.net.layers.map((l) => ({
    name: l.name,
    kind: l.constructor.name,
    inShape: l.inShape,
    outShape: l.outShape,
    params: l.params.map((p) => Array.from(p.value)),
    buffers: l.buffers.map((b) => Array.from(b)),
  }));
  const metrics = { val: vm, test: tm, testNote: "test/ is reported only; no choice used it" };
  mkdirSync(dirname(opts.out) || ".", { recursive: true });
  writeFileSync(
    checkpoint,
    `${JSON.stringify({
      format: "loom-cnn-checkpoint (training state; not a Loom model file)",
      command: opts.command,
      arch,
      wbits: opts.wbits,
      abits: opts.abits,
      inputScale: INPUT_SCALE,
      input: { width: opts.width, height: opts.height, channels: 1, layout: "NHWC" },
      classes: ds.classes,
      bestEpoch: t.bestEpoch,
      decision: { rule: "PNEUMONIA iff round(1000·(s1 − s0)) > margin", margin },
      metrics,
      history: t.history,
      layers,
    })}\n`,
  );
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  const row = (name: string, m: BinaryMetrics) =>
    `| ${name} | ${pct(m.accuracy)} | ${pct(m.balancedAccuracy)} | ${pct(m.sensitivity)} | ${pct(m.specificity)} | ${m.auc.toFixed(4)} |`;
  writeFileSync(
    report,
    [
      `# ${arch} (W${opts.wbits}A${opts.abits}, ${opts.width}x${opts.height})`,
      "",
      "```",
      opts.command,
      "```",
      "",
      "Metrics of the trained fake-quantized network (the training graph in evaluation mode, not an exported",
      "integer model: the model format cannot describe convolutions yet). PNEUMONIA is the positive class.",
      "",
      "| split | accuracy | balanced acc. | sensitivity | specificity | AUC |",
      "|---|---|---|---|---|---|",
      row("validation", vm),
      tm ? row("test (reported only)", tm) : "",
      "",
      `- Decision margin ${margin}/1000 on s1 − s0, chosen on validation for balanced accuracy.`,
      `- Kept epoch ${t.bestEpoch} of ${t.history.length} (lowest validation loss); mean epoch time ${epochSeconds.toFixed(1)} s.`,
      "",
      "| epoch | lr | train loss | val loss | val acc | val bal. acc | s |",
      "|---|---|---|---|---|---|---|",
      ...t.history.map(
        (h) =>
          `| ${h.epoch} | ${h.lr.toExponential(2)} | ${h.trainLoss.toFixed(4)} | ${h.valLoss.toFixed(4)} | ${pct(h.valAccuracy)} | ${pct(h.valBalancedAccuracy)} | ${h.seconds.toFixed(1)} |`,
      ),
      "",
    ].join("\n"),
  );
  return {
    checkpoint,
    report,
    history: t.history,
    bestEpoch: t.bestEpoch,
    margin,
    val: vm,
    test: tm,
    epochSeconds,
  };
}
