// `loom sim --images`: image files through the model's own preprocessing and the accelerator;
// per image the file and the predicted class, then (for images whose folder names a class) how
// many were right, per class. Text lines by default, one JSON document with --json.
import type { ModelSource } from "../compiler/model-source.js";
import { checkImageFile } from "../data/decode.js";
import { type ListedImage, listImages } from "../data/image-list.js";
import { checkSizePolicy, preprocessImageFile, type SizePolicy } from "../data/preprocess.js";
import type { BoundaryTally } from "./boundary-tally.js";
import { imageFeed } from "./image-feed.js";
import {
  type ChunkResult,
  openSink,
  type StreamOptions,
  simulateStreamed,
  type Timing,
} from "./sim-stream.js";

interface ImagesOptions extends Omit<StreamOptions, "total"> {
  json: boolean;
  out?: string;
  /** Also write the preprocessed input codes as a `--inputs` file here. */
  saveInputs?: string;
  /** ONNX: counts the images on which the float32 graph decides within rounding of a boundary. */
  boundary?: BoundaryTally;
}

interface Tally {
  images: number;
  labelled: number;
  correct: number;
  /** Per class: [labelled, correct]. */
  perClass: Array<[number, number]>;
}

function summaryLines(t: Tally, classes: string[], timing: Timing): string[] {
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(2)}%`;
  const lines = [`${t.images} image${t.images === 1 ? "" : "s"}`];
  if (t.labelled > 0) {
    lines[0] += `; ${t.labelled} labelled by their folder: ${t.correct} correct (${pct(t.correct, t.labelled)})`;
    t.perClass.forEach(([n, ok], c) => {
      if (n > 0) lines.push(`  ${classes[c]}: ${ok} of ${n} correct (${pct(ok, n)})`);
    });
  }
  lines.push(
    `initiation interval ${timing.initiation_interval_cycles} cycles (${timing.initiation_interval_source}), latency ${timing.latency_cycles} cycles`,
  );
  return lines;
}

export async function simulateImages(
  modelPath: string,
  source: ModelSource,
  paths: string[],
  policy: SizePolicy,
  simulate: (codes: bigint[][]) => Promise<ChunkResult>,
  o: ImagesOptions,
): Promise<void> {
  const feed = imageFeed(source, modelPath);
  const classes = feed.classes;
  const images = listImages(paths, classes);
  // Missing, unreadable, mistyped and oversized files are refused before any result is written.
  for (const img of images) checkSizePolicy(checkImageFile(img.path), feed.preprocess, img.path, policy);
  const name = (c: number) => classes[c] ?? String(c);
  const tally: Tally = { images: 0, labelled: 0, correct: 0, perClass: classes.map(() => [0, 0]) };
  const sink = openSink(o.out);
  const saved = o.saveInputs ? openSink(o.saveInputs) : undefined;
  let savedRows = 0;
  let listed = 0;
  const codesOf = (img: ListedImage) => {
    const pixels = preprocessImageFile(img.path, feed.preprocess, policy);
    const codes = feed.codes(pixels);
    if (o.boundary && feed.graphInput) o.boundary.check(feed.graphInput(pixels), listed);
    listed++;
    saved?.write(`${savedRows++ === 0 ? '{"inputs":[\n' : ",\n"}[${codes.join(",")}]`);
    return codes;
  };
  try {
    if (o.json) sink.write('{"images":[');
    const timing = await simulateStreamed(
      images,
      codesOf,
      simulate,
      (img, _output, prediction) => {
        const right = img.label === prediction;
        if (img.label !== undefined) {
          tally.labelled++;
          if (right) tally.correct++;
          const pc = tally.perClass[img.label]!;
          pc[0]++;
          if (right) pc[1]++;
        }
        if (o.json) {
          const entry = {
            file: img.path,
            prediction,
            ...(classes[prediction] === undefined ? {} : { class: classes[prediction] }),
            ...(img.label === undefined ? {} : { label: classes[img.label] }),
          };
          sink.write(`${tally.images === 0 ? "" : ","}${JSON.stringify(entry)}`);
        } else {
          const label =
            img.label === undefined ? "" : `\t(folder ${name(img.label)}${right ? "" : ", wrong"})`;
          sink.write(`${img.path}\t${name(prediction)}${label}\n`);
        }
        tally.images++;
      },
      { ...o, total: images.length },
    );
    if (o.json) {
      const summary = {
        images: tally.images,
        labelled: tally.labelled,
        correct: tally.correct,
        ...(tally.labelled > 0 ? { accuracy: tally.correct / tally.labelled } : {}),
        ...(o.boundary ? { boundary_images: o.boundary.indices.map((i) => images[i]!.path) } : {}),
      };
      sink.write(`],"summary":${JSON.stringify(summary)},${JSON.stringify(timing).slice(1)}\n`);
    } else sink.write(`${summaryLines(tally, classes, timing).join("\n")}\n`);
    saved?.write("\n]}\n");
  } finally {
    sink.close();
    saved?.close();
  }
  const line = o.boundary?.summary(images.length, "images");
  if (line) process.stderr.write(`${line}\n`);
}
