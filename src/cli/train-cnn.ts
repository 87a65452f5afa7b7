// The --arch part of `loom train`: checks the spec and the options that do not apply to a
// convolutional network, runs src/train/cnn/run.ts and prints what it wrote. Writing a Loom
// model file is not supported yet (the model format has no convolution layers).
import type { Command } from "commander";
import { ArchError, type LayerSpec, parseArch, planArch } from "../train/cnn/arch.js";
import { type CnnRunOptions, runCnnTraining } from "../train/cnn/run.js";
import type { RunOptions } from "../train/run.js";
import { UserError } from "./user-error.js";

/** The layers of --arch, checked against the input size (2 classes); a bad spec is one clear line. */
export function archOption(
  spec: string,
  cmd: Command,
  width: number,
  height: number,
  dropout: number,
): LayerSpec[] {
  if (cmd.getOptionValueSource("hidden") === "cli")
    throw new UserError("--hidden does not apply with --arch");
  if (dropout > 0) throw new UserError("--dropout is not supported with --arch");
  try {
    const layers = parseArch(spec);
    planArch(layers, { h: height, w: width, c: 1 }, 2);
    return layers;
  } catch (e) {
    if (e instanceof ArchError) throw new UserError(`--arch: ${e.message}`);
    throw e;
  }
}

export function trainCnnCommand(opts: RunOptions, arch: LayerSpec[]): void {
  const { hidden: _hidden, dropout: _dropout, ...rest } = opts;
  // The recorded command leaves out the MLP-only options (their defaults do not apply).
  const command = rest.command.replace(/ --hidden \S+/, "").replace(/ --dropout \S+/, "");
  const cnnOpts: CnnRunOptions = { ...rest, command, arch };
  const r = runCnnTraining(cnnOpts);
  const f = (v: number) => `${(100 * v).toFixed(2)}%`;
  const line = (n: string, m: typeof r.val) =>
    `${n}: accuracy ${f(m.accuracy)}, balanced ${f(m.balancedAccuracy)}, sensitivity ${f(m.sensitivity)}, specificity ${f(m.specificity)}, AUC ${m.auc.toFixed(4)}\n`;
  process.stdout.write(
    `note: --arch trains and validates a convolutional network but cannot write a Loom model yet (the model format has no convolution layers); ${opts.out} was not written\n`,
  );
  process.stdout.write(
    `wrote ${r.checkpoint} and ${r.report} (kept epoch ${r.bestEpoch}, margin ${r.margin}/1000)\n`,
  );
  process.stdout.write(line("validation (fake-quantized training graph)", r.val));
  if (r.test) process.stdout.write(line("test (reported only)", r.test));
}
