// `loom eval` beyond two-class Loom models on image folders: an imported ONNX graph, or MNIST IDX
// files, or both. Images become input codes through the model's own feed (image-feed.ts), run in
// chunks with progress (sim-stream.ts), and are scored by accuracy and an N×N confusion matrix.
import type { Compiled } from "../compiler/generate.js";
import type { ModelSource } from "../compiler/model-source.js";
import type { Engine } from "../compiler/simulate.js";
import { loadDataset } from "../data/load.js";
import { loadMnist } from "../data/mnist.js";
import { preprocessPixels } from "../data/preprocess.js";
import { inferInteger } from "../train/int-infer.js";
import type { ImageFeed } from "./image-feed.js";
import { chunkSimulator, simulateStreamed } from "./sim-stream.js";
import { UserError } from "./user-error.js";

export interface LabelledCodes {
  /** What was evaluated, for the report's first line. */
  what: string;
  codes: bigint[][];
  /** Image i's input as `loom sim --inputs` takes it (for a reproduction of a disagreement). */
  inputOf: (image: number) => number[];
  labels: number[];
  classes: string[];
}

/** An IDX images/labels pair, each image preprocessed to the model's input as a decoded image would be. */
export function idxCodes(imagesPath: string, labelsPath: string, feed: ImageFeed): LabelledCodes {
  const set = loadMnist(imagesPath, labelsPath);
  const { rows: height, cols: width } = set.images;
  const pixels = (i: number) =>
    preprocessPixels({ width, height, pixels: set.image(i) }, feed.preprocess, `${imagesPath}[${i}]`);
  const codes = Array.from({ length: set.images.count }, (_, i) => feed.codes(pixels(i)));
  const classes = feed.classes.length > 0 ? feed.classes : Array.from({ length: 10 }, (_, d) => String(d));
  return {
    what: imagesPath,
    codes,
    inputOf: (i) => feed.inputs(pixels(i)),
    labels: Array.from(set.labels),
    classes,
  };
}

/** One split of an image folder, resized to the graph's input ({split}/{CLASS}/ as for Loom models). */
export function folderCodes(dir: string, split: string, feed: ImageFeed): LabelledCodes {
  const ds = loadDataset(dir, {
    ...feed.preprocess,
    classes: feed.classes.length > 0 ? feed.classes : undefined,
    splits: [split as "train" | "val" | "test"],
  });
  const s = ds.splits[split as "train" | "val" | "test"];
  if (!s) throw new UserError(`${dir} has no ${split}/ split`);
  const pixels = (i: number) => s.x.subarray(i * s.dim, (i + 1) * s.dim);
  const codes = Array.from({ length: s.n }, (_, i) => feed.codes(pixels(i)));
  return {
    what: `${dir} ${split}`,
    codes,
    inputOf: (i) => feed.inputs(pixels(i)),
    labels: Array.from(s.y),
    classes: ds.classes,
  };
}

export interface AnyScore {
  predictions: number[];
  /** Verilator: the images where the hardware and the golden model disagree. */
  disagreeing?: number[];
}

/** Predictions under the engine; the verilator engine is checked against the golden model. */
export async function scoreAny(
  source: ModelSource,
  compiled: Compiled,
  data: LabelledCodes,
  engine: string,
  quiet: boolean,
): Promise<AnyScore> {
  if (engine === "integer") {
    if (source.host)
      throw new UserError("--engine integer runs Loom model files; use golden or verilator for ONNX");
    const x = Uint8Array.from(data.codes.flat(), Number);
    return { predictions: inferInteger(source.model, x, data.codes.length).predictions };
  }
  const run = async (e: Engine) => {
    const predictions: number[] = [];
    await simulateStreamed(
      data.codes,
      (c) => c,
      chunkSimulator(compiled, source.host, e, undefined),
      (_, __, p) => predictions.push(p),
      { total: data.codes.length, label: `through ${e === "golden" ? "the golden model" : e}`, quiet },
    );
    return predictions;
  };
  const predictions = await run(engine as Engine);
  if (engine !== "verilator") return { predictions };
  const golden = await run("golden");
  return { predictions, disagreeing: predictions.flatMap((p, i) => (p !== golden[i] ? [i] : [])) };
}

export interface ClassMetrics {
  n: number;
  accuracy: number;
  /** confusion[true][predicted]. */
  confusion: number[][];
}

export function classMetrics(
  labels: readonly number[],
  predictions: readonly number[],
  classes: number,
): ClassMetrics {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  labels.forEach((l, i) => confusion[l]![predictions[i]!]!++);
  const correct = labels.filter((l, i) => l === predictions[i]).length;
  return { n: labels.length, accuracy: labels.length ? correct / labels.length : 0, confusion };
}

/** The text report: accuracy, recall per class, and the confusion matrix with aligned columns. */
export function classReport(
  head: string,
  m: ClassMetrics,
  classes: readonly string[],
  disagreements?: number,
): string {
  const f = (v: number) => `${(100 * v).toFixed(2)}%`;
  const width = Math.max(...classes.map((c) => c.length), ...m.confusion.flat().map((v) => String(v).length));
  const pad = (s: string | number) => String(s).padStart(width);
  const recall = m.confusion.map((row, c) => {
    const n = row.reduce((a, b) => a + b, 0);
    return `  ${pad(classes[c]!)}: ${n ? `${f(row[c]! / n)} of ${n}` : "no images"}`;
  });
  return [
    head,
    `accuracy     ${f(m.accuracy)}`,
    "recall per class:",
    ...recall,
    "confusion (rows true, columns predicted):",
    `  ${pad("")}  ${classes.map(pad).join(" ")}`,
    ...m.confusion.map((row, c) => `  ${pad(classes[c]!)}: ${row.map(pad).join(" ")}`),
    ...(disagreements === undefined
      ? []
      : [`disagreements with the golden model: ${disagreements} of ${m.n} images`]),
    "",
  ].join("\n");
}
