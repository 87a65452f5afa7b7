// `loom eval`: accuracy, confusion matrix, sensitivity, specificity and ROC AUC of a model file
// on one split of an image folder, preprocessed exactly as the model's input.preprocess says.

import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import type { Command } from "commander";
import { compileModel } from "../compiler/generate.js";
import { loadModelSource } from "../compiler/model-source.js";
import { simulateAccelerator } from "../compiler/simulate.js";
import { loadDataset, type Split } from "../data/load.js";
import { refuseOverwrite, writeFileAtomic } from "../io/write-file.js";
import { runGolden } from "../model/golden/index.js";
import { outputSize } from "../model/layer-geometry.js";
import type { Model } from "../model/model-format.js";
import { loadModel } from "../model/model-load.js";
import { streamlineModel } from "../streamline/streamline.js";
import { inferInteger } from "../train/int-infer.js";
import { binaryMetrics } from "../train/metrics.js";
import { loadOptionsFor } from "../train/model-input.js";
import { confusionSvg, metricsTable } from "../train/report.js";
import { classMetrics, classReport, folderCodes, idxCodes, scoreAny } from "./eval-any.js";
import { reproductionPaths, writeReproduction } from "./eval-repro.js";
import { imageFeed } from "./image-feed.js";
import { withProgress } from "./progress.js";
import { runCommand, UserError } from "./user-error.js";

const ENGINES = ["golden", "integer", "verilator"] as const;

interface Scored {
  diff: number[];
  predictions: number[];
  /** RTL engines: indices of images where the hardware disagrees with the golden or trained model. */
  disagreeing?: number[];
}

function inputsOf(s: Split): bigint[][] {
  return Array.from({ length: s.n }, (_, i) => Array.from(s.x.subarray(i * s.dim, (i + 1) * s.dim), BigInt));
}

/** Scores (s1 − s0) and predictions of every image under the chosen engine. */
async function score(model: Model, s: Split, engine: string, board: string): Promise<Scored> {
  if (engine === "golden") {
    const streamlined = model.layers.some((l) => l.activation.kind === "float")
      ? streamlineModel(model)
      : model;
    const r = runGolden(streamlined, inputsOf(s));
    return { diff: r.scores.map((v) => Number(v[1]! - v[0]!)), predictions: r.predictions };
  }
  if (engine === "integer") {
    const r = inferInteger(model, s.x, s.n);
    return { diff: r.scores.map((v) => v[1]! - v[0]!), predictions: r.predictions };
  }
  // The generated accelerator in Verilator, checked image by image against the golden model
  // and against the trained model's own integer inference.
  const compiled = compileModel(model, {
    board,
    scores: true,
    log: (l) => process.stderr.write(`loom: ${l}\n`),
  });
  const hw = await withProgress(
    `${s.n} images through Verilator (build and run)`,
    simulateAccelerator(compiled, inputsOf(s), "verilator"),
  );
  const golden = runGolden(compiled.streamlined, inputsOf(s));
  const trained = inferInteger(model, s.x, s.n);
  const disagreeing = hw.predictions.flatMap((p, i) =>
    p !== golden.predictions[i] || p !== trained.predictions[i] ? [i] : [],
  );
  return { diff: hw.outputs!.map((v) => Number(v[1]! - v[0]!)), predictions: hw.predictions, disagreeing };
}

interface ReportOptions {
  model: string;
  split: string;
  engine: string;
  data: string;
  reportDir: string;
  force?: boolean;
}

/** NAME-eval-SPLIT.md and its confusion SVG in --report-dir. */
function evalReportPaths(o: ReportOptions): { name: string; md: string; svg: string } {
  const name = basename(o.model).replace(/\.json$/, "");
  return {
    name,
    md: join(o.reportDir, `${name}-eval-${o.split}.md`),
    svg: join(o.reportDir, `${name}-eval-${o.split}-confusion.svg`),
  };
}

function writeEvalReport(o: ReportOptions, m: ReturnType<typeof binaryMetrics>, classes: string[]): void {
  const { name, md, svg } = evalReportPaths(o);
  mkdirSync(o.reportDir, { recursive: true });
  writeFileAtomic(svg, confusionSvg(m, classes, `${name}: ${o.split}`));
  writeFileAtomic(
    md,
    `# ${name} on ${o.split}\n\nEngine: ${o.engine}. Data: ${o.data}.\n\n${metricsTable([[o.split, m]])}\n\n![confusion matrix](${basename(svg)})\n`,
  );
}

/** ONNX graphs and IDX files: accuracy and the N×N confusion matrix (eval-any.ts). */
async function evalAny(o: {
  model: string;
  data?: string;
  idxImages?: string;
  idxLabels?: string;
  split: string;
  engine: string;
  board: string;
  json?: boolean;
  reportDir?: string;
  quiet?: boolean;
}): Promise<void> {
  if (o.reportDir)
    throw new UserError("--report-dir writes the two-class report of Loom models on image folders only");
  const source = loadModelSource(o.model);
  const feed = imageFeed(source, o.model);
  const data = o.data ? folderCodes(o.data, o.split, feed) : idxCodes(o.idxImages!, o.idxLabels!, feed);
  const outputs = outputSize(source.model.layers[source.model.layers.length - 1]!);
  const top = Math.max(...data.labels);
  if (top >= outputs)
    throw new UserError(`${data.what}: labels go up to ${top} but ${o.model} has ${outputs} outputs`);
  const compiled = compileModel(source.model, { board: o.board, scores: true });
  const r = await scoreAny(source, compiled, data, o.engine, o.quiet === true);
  const m = classMetrics(data.labels, r.predictions, outputs);
  if (o.json) {
    const { accuracy, confusion, n } = m;
    process.stdout.write(`${JSON.stringify({ accuracy, confusion, n, disagreements: r.disagreements })}\n`);
    return;
  }
  const classes = Array.from({ length: outputs }, (_, c) => data.classes[c] ?? String(c));
  process.stdout.write(
    classReport(
      `${o.model} on ${data.what} (${m.n} images, engine ${o.engine})`,
      m,
      classes,
      r.disagreements,
    ),
  );
}

export function register(program: Command): void {
  program
    .command("eval")
    .description("evaluate a model (.json or .onnx) on a split of an image folder or on IDX files")
    .requiredOption("--model <file>", "model file")
    .option("--data <dir>", "dataset folder with {train,val,test}/{CLASS}/")
    .option("--idx-images <file>", "MNIST-style IDX images (optionally gzipped) instead of --data")
    .option("--idx-labels <file>", "the IDX labels that go with --idx-images")
    .option("--quiet", "no progress on stderr")
    .option("--split <name>", "train, val or test", "test")
    .option("--engine <name>", `${ENGINES.join(", ")} (integer = fast exact trainer inference)`, "golden")
    .option("--board <name>", "board whose accelerator the verilator engine simulates", "zcu104")
    .option("--json", "print {accuracy, sensitivity, specificity, auc, confusion, n} as JSON")
    .option("--report-dir <dir>", "also write a Markdown report and confusion-matrix SVG into this directory")
    .option("--force", "replace report files that already exist in --report-dir")
    .action((o) =>
      runCommand(async () => {
        if (!ENGINES.includes(o.engine))
          throw new UserError(`--engine ${o.engine}: expected ${ENGINES.join(", ")}`);
        if (!["train", "val", "test"].includes(o.split))
          throw new UserError(`--split ${o.split}: expected train, val or test`);
        if (o.reportDir) {
          const { md, svg } = evalReportPaths(o);
          const repro = reproductionPaths(o.reportDir, o.model, o.split).inputs;
          refuseOverwrite([md, svg, repro], o.force === true, "loom eval");
        }
        const idx = o.idxImages !== undefined || o.idxLabels !== undefined;
        if (idx && (o.idxImages === undefined || o.idxLabels === undefined))
          throw new UserError("--idx-images and --idx-labels go together");
        if (idx === (o.data !== undefined))
          throw new UserError(
            "give the data as --data DIR or as --idx-images FILE --idx-labels FILE, one of them",
          );
        if (idx || o.model.toLowerCase().endsWith(".onnx")) {
          await evalAny(o);
          return;
        }
        const model = loadModel(o.model);
        const outputs = outputSize(model.layers[model.layers.length - 1]!);
        if (outputs !== 2) {
          throw new UserError(
            `${o.model}: loom eval reports binary metrics and needs a model with exactly two outputs; this one has ${outputs}`,
          );
        }
        // Preprocessed as the model says, with its own hold-out, so --split val is its validation set.
        const ds = loadDataset(o.data, { ...loadOptionsFor(model), splits: [o.split] });
        const split = ds.splits[o.split as "train" | "val" | "test"];
        if (!split) throw new UserError(`${o.data} has no ${o.split}/ split`);
        const r = await score(model, split, o.engine, o.board);
        const m = binaryMetrics(split.y, r.predictions, r.diff);
        if (r.disagreeing && r.disagreeing.length > 0) {
          const repro = writeReproduction({
            model: o.model,
            board: o.board,
            split: o.split,
            dir: o.reportDir,
            inputs: inputsOf(split),
            images: r.disagreeing,
          });
          process.stderr.write(
            `loom: the hardware disagrees on ${r.disagreeing.length} image(s); their inputs are in ${repro.inputsPath}\nloom: replay them with a waveform: ${repro.command}\n`,
          );
        }
        const disagreements = r.disagreeing?.length;
        if (o.reportDir) writeEvalReport(o, m, ds.classes);
        if (o.json) {
          const { accuracy, sensitivity, specificity, auc, confusion, n } = m;
          process.stdout.write(
            `${JSON.stringify({ accuracy, sensitivity, specificity, auc, confusion, n, disagreements })}\n`,
          );
          return;
        }
        const f = (v: number) => `${(100 * v).toFixed(2)}%`;
        const [[tn, fp], [fn, tp]] = m.confusion;
        const [c0, c1] = ds.classes;
        process.stdout.write(
          [
            `${o.model} on ${o.split} (${m.n} images, engine ${o.engine})`,
            `accuracy     ${f(m.accuracy)}`,
            `sensitivity  ${f(m.sensitivity)}  (${c1} recall)`,
            `specificity  ${f(m.specificity)}  (${c0} recall)`,
            `ROC AUC      ${m.auc.toFixed(4)}`,
            "confusion (rows true, columns predicted):",
            `  ${c0}: ${tn} ${fp}`,
            `  ${c1}: ${fn} ${tp}`,
            ...(disagreements === undefined
              ? []
              : [`disagreements with the golden and trained models: ${disagreements} of ${m.n} images`]),
            "",
          ].join("\n"),
        );
      }),
    );
}
