// `loom eval`: accuracy, confusion matrix, sensitivity, specificity and ROC AUC of a model file
// on one split of an image folder, preprocessed exactly as the model's input.preprocess says.
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { loadDataset, type Split } from "../data/load.js";
import type { Normalization } from "../data/normalize.js";
import { runGolden } from "../nn/golden/index.js";
import type { Model } from "../nn/model-format.js";
import { loadModel } from "../nn/model-load.js";
import { streamlineModel } from "../nn/streamline.js";
import { inferInteger } from "../train/int-infer.js";
import { binaryMetrics } from "../train/metrics.js";
import { confusionSvg, metricsTable } from "../train/report.js";
import { runCommand, UserError } from "./user-error.js";

const ENGINES = ["golden", "integer", "verilator"] as const;

/** Scores (s1 − s0) and predictions of every image under the chosen engine. */
function score(model: Model, s: Split, engine: string): { diff: number[]; predictions: number[] } {
  if (engine === "golden") {
    const streamlined = model.layers.some((l) => l.activation.kind === "float")
      ? streamlineModel(model)
      : model;
    const inputs = Array.from({ length: s.n }, (_, i) =>
      Array.from(s.x.subarray(i * s.dim, (i + 1) * s.dim), BigInt),
    );
    const r = runGolden(streamlined, inputs);
    return { diff: r.scores.map((v) => Number(v[1]! - v[0]!)), predictions: r.predictions };
  }
  if (engine === "integer") {
    const r = inferInteger(model, s.x, s.n);
    return { diff: r.scores.map((v) => v[1]! - v[0]!), predictions: r.predictions };
  }
  throw new UserError(`--engine ${engine}: the Verilator engine is not wired into loom eval yet`);
}

export function register(program: Command): void {
  program
    .command("eval")
    .description("evaluate a model file on a split of an image folder")
    .requiredOption("--model <file>", "model file")
    .requiredOption("--data <dir>", "dataset folder with {train,val,test}/{CLASS}/")
    .option("--split <name>", "train, val or test", "test")
    .option("--engine <name>", `${ENGINES.join(", ")} (integer = fast exact trainer inference)`, "golden")
    .option("--json", "print {accuracy, sensitivity, specificity, auc, confusion, n} as JSON")
    .option("--no-report", "do not write the Markdown/SVG report next to the model")
    .action((o) =>
      runCommand(() => {
        if (!ENGINES.includes(o.engine))
          throw new UserError(`--engine ${o.engine}: expected ${ENGINES.join(", ")}`);
        if (!["train", "val", "test"].includes(o.split))
          throw new UserError(`--split ${o.split}: expected train, val or test`);
        const model = loadModel(o.model);
        if (model.layers[model.layers.length - 1]!.outFeatures !== 2) {
          throw new UserError(
            `${o.model}: loom eval reports binary metrics; the model has more than two outputs`,
          );
        }
        const shape = model.input.shape;
        const [height, width] = shape.length === 2 ? [shape[0]!, shape[1]!] : [1, shape[0]!];
        const pre = model.input.preprocess;
        const data = (model.meta?.data ?? {}) as { valFraction?: number; splitSeed?: number };
        const ds = loadDataset(o.data, {
          width: pre?.resize?.[1] ?? width,
          height: pre?.resize?.[0] ?? height,
          normalize: (pre?.normalize ?? "none") as Normalization,
          classes: model.output.classes,
          // The same hold-out as training, so --split val means the model's validation set.
          valFraction: data.valFraction,
          splitSeed: data.splitSeed,
        });
        const split = ds.splits[o.split as "train" | "val" | "test"];
        if (!split) throw new UserError(`${o.data} has no ${o.split}/ split`);
        const r = score(model, split, o.engine);
        const m = binaryMetrics(split.y, r.predictions, r.diff);
        if (o.report !== false) {
          const base = o.model.replace(/\.json$/, "");
          const name = base.replace(/^.*\//, "");
          writeFileSync(
            `${base}-eval-${o.split}-confusion.svg`,
            confusionSvg(m, ds.classes, `${name}: ${o.split}`),
          );
          writeFileSync(
            `${base}-eval-${o.split}.md`,
            `# ${name} on ${o.split}\n\nEngine: ${o.engine}. Data: ${o.data}.\n\n${metricsTable([[o.split, m]])}\n\n![confusion matrix](${name}-eval-${o.split}-confusion.svg)\n`,
          );
        }
        if (o.json) {
          const { accuracy, sensitivity, specificity, auc, confusion, n } = m;
          process.stdout.write(
            `${JSON.stringify({ accuracy, sensitivity, specificity, auc, confusion, n })}\n`,
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
            "",
          ].join("\n"),
        );
      }),
    );
}
