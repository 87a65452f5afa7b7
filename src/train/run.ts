// `loom train` end to end: load data, train, export, choose the decision margin on validation
// with the exported integer model, fold it into class 0's bias, measure, write model and report.
import { mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { LoomError } from "../core/errors.js";
import type { Crop } from "../data/crop.js";
import { type LoadedDataset, loadDataset, type Split, type ValStrategy } from "../data/load.js";
import type { Normalization } from "../data/normalize.js";
import { perImageStepsOf } from "../data/per-image.js";
import { writeFileAtomic } from "../io/write-file.js";
import { argmax, runGolden } from "../model/golden/index.js";
import type { Model } from "../model/model-format.js";
import { streamlineModel } from "../streamline/streamline.js";
import type { AugmentOptions } from "./augment.js";
import { chooseMargin } from "./decide.js";
import { type ExportOptions, exportModel } from "./export.js";
import { type IntegerResult, inferInteger } from "./int-infer.js";
import { type BinaryMetrics, binaryMetrics } from "./metrics.js";
import { confusionSvg, curveSvg, metricsTable } from "./report.js";
import { perShiftMetrics, type ShiftMetrics, worstShift } from "./shift-report.js";
import { ACQUISITION_SHIFTS, withShifts } from "./shift-suite.js";
import { type EpochRecord, type TrainOptions, trainMlp } from "./trainer.js";

export interface RunOptions extends Omit<TrainOptions, "augment"> {
  data: string;
  width: number;
  height: number;
  /** Border crop before resizing (default none). */
  crop?: Crop;
  /** Content framing after resizing, tail percent (default 0 = off; src/data/frame.ts). */
  frame?: number;
  normalize: Normalization;
  augment: AugmentOptions;
  valFraction: number;
  splitSeed: number;
  /** Validation hold-out strategy (default random, as before). */
  valStrategy?: ValStrategy;
  /**
   * Validate (early stopping and decision margin) on the hold-out plus its acquisition-shifted
   * copies (src/train/shift-suite.ts) instead of the clean hold-out alone.
   */
  valShifts?: boolean;
  out: string;
  /** The command line, kept in the model's meta and the report. */
  command: string;
  /** Evaluate test/ for the report (never used for any choice). */
  reportTest: boolean;
  onLoadProgress?: (done: number, total: number) => void;
  /** Images of `split` through the exported model's integer inference so far (it takes minutes for a large CNN). */
  onInferenceProgress?: (split: string, done: number, total: number) => void;
}

/** The options every `loom train` run shares (an MLP's without its hidden sizes). */
export type CommonRunOptions = Omit<RunOptions, "hidden">;

export interface RunResult {
  model: Model;
  history: EpochRecord[];
  bestEpoch: number;
  margin: number;
  val: BinaryMetrics;
  /** With valShifts: the clean hold-out alone (val is then clean + shifted). */
  valClean?: BinaryMetrics;
  /** With valShifts: the validation copy (clean or one shift) with the lowest balanced accuracy. */
  valWorstShift?: ShiftMetrics;
  test?: BinaryMetrics;
  epochSeconds: number;
  goldenCheck: string;
  /** Validation images on which the training graph predicts the exported model's class (CNN runs). */
  trainingGraphAgreement?: { images: number; agree: number };
}

/** Metrics of the model as written (integer inference), the score differences s1 − s0 and the raw result. */
export function measure(
  model: Model,
  s: Split,
): { metrics: BinaryMetrics; diff: number[]; inferred: IntegerResult } {
  const inferred = inferInteger(model, s.x, s.n);
  const diff = inferred.scores.map((v) => v[1]! - v[0]!);
  return { metrics: binaryMetrics(s.y, inferred.predictions, diff), diff, inferred };
}

/**
 * Cross-checks the integer results of the model (`mine`, one row per image of `s`) against the
 * streamlined golden model on the first few images.
 */
function goldenCheck(model: Model, s: Split, count: number, mine: IntegerResult): string {
  const n = Math.min(count, s.n);
  try {
    const golden = runGolden(
      streamlineModel(model),
      Array.from({ length: n }, (_, i) => Array.from(s.x.subarray(i * s.dim, (i + 1) * s.dim), BigInt)),
    );
    for (let i = 0; i < n; i++) {
      const g = golden.scores[i]!.map(Number);
      if (g.some((v, k) => v !== mine.scores[i]![k])) {
        throw new Error(
          `image ${s.names[i]}: golden scores ${g} differ from trainer scores ${mine.scores[i]}`,
        );
      }
    }
    return `streamlined golden model agrees with the trainer's integer inference on ${n} validation images`;
  } catch (err) {
    return `golden cross-check failed: ${(err as Error).message}`;
  }
}

/** The clean hold-out followed by its acquisition-shifted copies (shifted before framing and normalizing). */
function shiftedValidation(opts: CommonRunOptions, clean: Split): Split {
  const raw = loadDataset(opts.data, {
    width: opts.width,
    height: opts.height,
    crop: opts.crop,
    valFraction: opts.valFraction,
    splitSeed: opts.splitSeed,
    valStrategy: opts.valStrategy,
  }).splits.val!;
  return withShifts(clean, raw, opts.width, opts.height, perImageStepsOf(opts));
}

/** The splits `loom train` trains and validates on (with --val-shifts, val includes the shifted copies). */
export function loadTrainingData(opts: CommonRunOptions) {
  const ds: LoadedDataset = loadDataset(opts.data, {
    width: opts.width,
    height: opts.height,
    crop: opts.crop,
    frame: opts.frame,
    normalize: opts.normalize,
    valFraction: opts.valFraction,
    splitSeed: opts.splitSeed,
    valStrategy: opts.valStrategy,
    onProgress: opts.onLoadProgress,
  });
  const { train, test } = ds.splits;
  const cleanVal = ds.splits.val;
  if (!train || !cleanVal) throw new Error(`dataset ${opts.data} needs a train/ folder`);
  const val = opts.valShifts ? shiftedValidation(opts, cleanVal) : cleanVal;
  const K = ds.classes.length;
  if (K !== 2) throw new Error(`binary classification only: found classes ${ds.classes.join(", ")}`);
  requireEveryClass(train, ds.classes, "the training set");
  requireEveryClass(cleanVal, ds.classes, `the validation hold-out (${ds.valSource})`);
  return { ds, train, val, cleanVal, test, K };
}

export type TrainingData = ReturnType<typeof loadTrainingData>;

export function runTraining(opts: RunOptions): RunResult {
  const data = loadTrainingData(opts);
  const t = trainMlp(data.train, data.val, opts.width, opts.height, data.K, { ...opts });
  return exportAndReport(opts, data, {
    trainer: "loom train (src/train)",
    network: { hidden: opts.hidden },
    summary: `hidden ${opts.hidden.join(",")}`,
    history: t.history,
    bestEpoch: t.bestEpoch,
    exportModel: (o) => exportModel(t.net, o),
  });
}

/** What the end of a run needs of a trained network (an MLP or a CNN). */
export interface TrainedNetwork {
  /** meta.trainer. */
  trainer: string;
  /** The network's own hyper-parameters, listed first in meta.hyper (hidden sizes, architecture). */
  network: Record<string, unknown>;
  /** The network in the model's description ("hidden 256,128"). */
  summary: string;
  history: EpochRecord[];
  bestEpoch: number;
  /** The model file of the network, with opts.margin folded into class 0's bias. */
  exportModel(opts: ExportOptions): Model;
  /** The training graph's own predictions (evaluation mode), compared with the exported model's. */
  trainingGraphPredictions?: (s: Split) => number[];
}

/** The model's integer inference of a split, a chunk at a time so that progress can be shown. */
function inferSplit(
  model: Model,
  s: Split,
  what: string,
  onProgress?: (split: string, done: number, total: number) => void,
): IntegerResult {
  const chunk = 256;
  const r: IntegerResult = { scores: [], predictions: [] };
  for (let start = 0; start < s.n; start += chunk) {
    const n = Math.min(chunk, s.n - start);
    const part = inferInteger(model, s.x.subarray(start * s.dim, (start + n) * s.dim), n);
    r.scores.push(...part.scores);
    r.predictions.push(...part.predictions);
    onProgress?.(what, start + n, s.n);
  }
  return r;
}

/** The model's integer results with `margin` added to class 0's score: what folding it into class 0's bias does. */
function withMargin(r: IntegerResult, margin: number): IntegerResult {
  const scores = r.scores.map((s) => [s[0]! + margin, ...s.slice(1)]);
  return { scores, predictions: scores.map((s) => argmax(s)) };
}

function metricsOf(s: Split, r: IntegerResult): BinaryMetrics {
  return binaryMetrics(
    s.y,
    r.predictions,
    r.scores.map((v) => v[1]! - v[0]!),
  );
}

/**
 * The shared end of every `loom train` run: export the trained network, choose the decision
 * margin on validation with the exported model's integer inference, fold it into class 0's bias,
 * measure (validation; test only for the report), cross-check against the streamlined golden
 * model, write the model file, its report and figures.
 */
export function exportAndReport(opts: CommonRunOptions, data: TrainingData, t: TrainedNetwork): RunResult {
  const { ds, train, val, test } = data;
  const name = basename(opts.out).replace(/\.json$/, "");
  const exportOpts: ExportOptions = {
    name,
    description: `Chest X-ray NORMAL/PNEUMONIA classifier, ${opts.width}x${opts.height} input, W${opts.wbits}A${opts.abits}, ${t.summary}`,
    width: opts.width,
    height: opts.height,
    crop: opts.crop,
    frame: opts.frame ?? 0,
    normalize: opts.normalize,
    classes: ds.classes,
  };
  const plain = t.exportModel(exportOpts);
  // One integer inference of the validation images: the margin only moves class 0's score.
  const plainVal = inferSplit(plain, val, "validation", opts.onInferenceProgress);
  const choice = chooseMargin(
    val.y,
    plainVal.scores.map((v) => v[1]! - v[0]!),
  );
  const epochSeconds = t.history.reduce((a, h) => a + h.seconds, 0) / Math.max(1, t.history.length);
  let model = t.exportModel({ ...exportOpts, margin: choice.margin });
  const pooled = withMargin(plainVal, choice.margin);
  const vm = metricsOf(val, pooled);
  const shiftList = opts.valShifts ? perShiftMetrics(model, val, undefined, pooled) : undefined;
  // The clean hold-out is the first copy of the shifted validation set.
  const cleanMetrics = shiftList?.[0]?.metrics;
  const worst = shiftList ? worstShift(shiftList) : undefined;
  const tm =
    opts.reportTest && test
      ? metricsOf(test, inferSplit(model, test, "test", opts.onInferenceProgress))
      : undefined;
  const check = goldenCheck(model, val, 16, pooled);
  const graph = t.trainingGraphPredictions?.(val);
  const agreement = graph && {
    images: val.n,
    agree: graph.filter((p, i) => p === plainVal.predictions[i]).length,
  };
  model = {
    ...model,
    meta: {
      trainer: t.trainer,
      command: opts.command,
      seed: opts.seed,
      data: {
        root: opts.data,
        classes: ds.classes,
        train: train.n,
        val: val.n,
        valSource: ds.valSource,
        valFraction: opts.valFraction,
        splitSeed: opts.splitSeed,
        valStrategy: opts.valStrategy ?? { kind: "random" },
        valShifts: opts.valShifts ? ["none", ...ACQUISITION_SHIFTS.map((x) => x.name)] : undefined,
      },
      hyper: {
        ...t.network,
        wbits: opts.wbits,
        abits: opts.abits,
        epochs: opts.epochs,
        batch: opts.batch,
        lr: opts.lr,
        weightDecay: opts.weightDecay,
        dropout: opts.dropout,
        augment: opts.augment,
        patience: opts.patience,
        classWeight: opts.classWeight,
        labelSmoothing: opts.labelSmoothing ?? 0,
        crop: opts.crop,
        frame: opts.frame ?? 0,
        normalize: opts.normalize,
      },
      bestEpoch: t.bestEpoch,
      inputScale: `1/255 (pixel code p means p/255; folded into ${model.layers[0]!.name}'s scale)`,
      biasQuantization: "biases are integers on each layer's accumulator grid (bias = k · accumulator scale)",
      decision: {
        rule: `predict PNEUMONIA iff s1 - s0 > margin; margin chosen on validation${opts.valShifts ? " (with its acquisition-shifted copies)" : ""} to maximize balanced accuracy`,
        margin: choice.margin,
        foldedInto: "layers[last].activation.bias[0] (class 0, NORMAL) += margin",
      },
      metrics: {
        val: vm,
        valClean: cleanMetrics,
        // Each copy of the validation set alone; the worst one is protocol 5's criterion.
        valPerShift: shiftList?.map(({ shift, metrics: m }) => ({
          shift,
          balancedAccuracy: m.balancedAccuracy,
          sensitivity: m.sensitivity,
          specificity: m.specificity,
          auc: m.auc,
        })),
        valWorstShift: worst && { shift: worst.shift, balancedAccuracy: worst.metrics.balancedAccuracy },
        test: tm,
        testNote: "test/ is reported only; no choice used it",
      },
      meanEpochSeconds: epochSeconds,
      goldenCheck: check,
      trainingGraphAgreement: agreement && agreementText(agreement),
    },
  };
  mkdirSync(dirname(opts.out) || ".", { recursive: true });
  writeFileAtomic(opts.out, `${JSON.stringify(model)}\n`);
  const notes = [check, ...(agreement ? [agreementText(agreement)] : [])];
  writeReport(opts.out, model, t, vm, tm, opts.command, cleanMetrics, epochSeconds, choice.margin, notes);
  return {
    model,
    history: t.history,
    bestEpoch: t.bestEpoch,
    margin: choice.margin,
    val: vm,
    valClean: cleanMetrics,
    valWorstShift: worst,
    test: tm,
    epochSeconds,
    goldenCheck: check,
    trainingGraphAgreement: agreement,
  };
}

function agreementText(a: { images: number; agree: number }): string {
  return `the training graph (float32, evaluation mode) predicts the exported model's class (margin 0) on ${a.agree} of ${a.images} validation images`;
}

/**
 * Early stopping and the decision margin need validation images of every class; with none the
 * losses are NaN and training cannot choose anything, so refuse before training.
 */
function requireEveryClass(split: Split, classes: readonly string[], what: string): void {
  const counts = classes.map((_, k) => split.y.filter((y) => y === k).length);
  const missing = classes.filter((_, k) => counts[k] === 0);
  if (missing.length > 0) {
    throw new LoomError(
      "data",
      `${what} has no ${missing.join(" or ")} images (${split.n} images in all); use fewer --val-folds, a larger --val-fraction, or more data`,
    );
  }
}

/** Every file `loom train --out out` writes: the model, its report and the figures. */
export function trainingOutputPaths(out: string, reportTest = true): string[] {
  const base = out.replace(/\.json$/, "");
  return [
    out,
    `${base}-val-confusion.svg`,
    ...(reportTest ? [`${base}-test-confusion.svg`] : []),
    `${base}-curve.svg`,
    join(dirname(out), `${basename(base)}.md`),
  ];
}

function writeReport(
  out: string,
  model: Model,
  t: TrainedNetwork,
  val: BinaryMetrics,
  test: BinaryMetrics | undefined,
  command: string,
  cleanVal: BinaryMetrics | undefined,
  epochSeconds: number,
  margin: number,
  /** Lines of the report's list after the margin and epoch (golden cross-check, agreement). */
  notes: string[],
): void {
  const { history, bestEpoch } = t;
  const base = out.replace(/\.json$/, "");
  const dir = dirname(out);
  const name = basename(base);
  const classes = model.output.classes ?? ["0", "1"];
  writeFileAtomic(`${base}-val-confusion.svg`, confusionSvg(val, classes, `${name}: validation`));
  if (test)
    writeFileAtomic(
      `${base}-test-confusion.svg`,
      confusionSvg(test, classes, `${name}: test (reported only)`),
    );
  writeFileAtomic(`${base}-curve.svg`, curveSvg(history, bestEpoch));
  const rows: Array<[string, BinaryMetrics]> = cleanVal
    ? [
        ["validation + acquisition shifts", val],
        ["validation, clean images only", cleanVal],
      ]
    : [["validation", val]];
  if (test) rows.push(["test (reported only)", test]);
  const md = [
    `# ${name}`,
    "",
    model.description ?? "",
    "",
    "```",
    command,
    "```",
    "",
    "Metrics of the model file as written (exact integer inference; PNEUMONIA is the positive class):",
    "",
    metricsTable(rows),
    "",
    `- Decision margin ${margin} (integer score units) chosen on validation for balanced accuracy, folded into class 0's bias.`,
    `- Kept epoch ${bestEpoch} of ${history.length} (lowest validation loss); mean epoch time ${epochSeconds.toFixed(2)} s.`,
    ...notes.map((note) => `- ${note}.`),
    "",
    `![training curve](${name}-curve.svg)`,
    "",
    `![validation confusion matrix](${name}-val-confusion.svg)`,
    test ? `![test confusion matrix](${name}-test-confusion.svg)` : "",
    "",
    "| epoch | lr | train loss | val loss | val acc | val bal. acc | s |",
    "|---|---|---|---|---|---|---|",
    ...history.map(
      (h) =>
        `| ${h.epoch} | ${h.lr.toExponential(2)} | ${h.trainLoss.toFixed(4)} | ${h.valLoss.toFixed(4)} | ${(100 * h.valAccuracy).toFixed(2)}% | ${(100 * h.valBalancedAccuracy).toFixed(2)}% | ${h.seconds.toFixed(1)} |`,
    ),
    "",
  ].join("\n");
  writeFileAtomic(join(dir, `${name}.md`), md);
}
