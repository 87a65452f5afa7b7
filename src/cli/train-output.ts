// What `loom train` prints when a run is done (MLP and CNN alike): the files, the kept epoch
// and margin, the metrics of the model as written, and the golden cross-check.
import type { RunResult } from "../train/run.js";

/** Prints the run's summary; `source` says where the network came from (checkpoint written or read). */
export function printRunResult(out: string, r: RunResult, source = ""): void {
  const f = (v: number) => `${(100 * v).toFixed(2)}%`;
  const line = (n: string, m: RunResult["val"]) =>
    `${n}: accuracy ${f(m.accuracy)}, sensitivity ${f(m.sensitivity)}, specificity ${f(m.specificity)}, AUC ${m.auc.toFixed(4)}, confusion ${JSON.stringify(m.confusion)}\n`;
  process.stdout.write(`wrote ${out} (kept epoch ${r.bestEpoch}, margin ${r.margin}${source})\n`);
  process.stdout.write(line(r.valClean ? "validation + shifts" : "validation", r.val));
  if (r.valClean) process.stdout.write(line("validation, clean only", r.valClean));
  if (r.valWorstShift) {
    const w = r.valWorstShift;
    process.stdout.write(line(`validation, worst copy (${w.shift})`, w.metrics));
  }
  if (r.test) process.stdout.write(line("test (reported only)", r.test));
  process.stdout.write(`${r.goldenCheck}\n`);
  const a = r.trainingGraphAgreement;
  if (a)
    process.stdout.write(
      `the training graph predicts the exported model's class (margin 0) on ${a.agree} of ${a.images} validation images\n`,
    );
}

/**
 * Progress of the exported model's integer inference on stderr (minutes for a large CNN): one
 * updating line on a terminal, else a line per tenth of the split.
 */
export function inferenceProgress(tty: boolean): (split: string, done: number, total: number) => void {
  let shown = 0;
  return (split, done, total) => {
    const text = `integer inference of the exported model, ${split}: ${done}/${total} images`;
    if (tty) process.stderr.write(`\r${text}${done === total ? "\n" : ""}`);
    else if (done === total || done >= shown + total / 10) {
      process.stderr.write(`${text}\n`);
      shown = done === total ? 0 : done;
    }
  };
}
