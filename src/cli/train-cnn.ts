// The --arch part of `loom train`: checks the spec (and that the model format can describe it)
// and the options that do not apply to a convolutional network, reads and checks a
// --from-checkpoint file, runs src/train/cnn/run.ts and prints what it wrote.
import type { Command } from "commander";
import { ArchError, type LayerSpec, parseArch, planArch } from "../train/cnn/arch.js";
import { CheckpointError, type CnnCheckpoint, readCheckpoint } from "../train/cnn/checkpoint.js";
import { checkExportable, ExportError } from "../train/cnn/export.js";
import { type CnnRunOptions, checkpointPath, runCnnTraining } from "../train/cnn/run.js";
import { type RunOptions, trainingOutputPaths } from "../train/run.js";
import { commandDifference } from "./train-command.js";
import { printRunResult } from "./train-output.js";
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
    // Before training: a network that cannot be written as a model file is not worth training.
    checkExportable(layers);
    return layers;
  } catch (e) {
    if (e instanceof ArchError || e instanceof ExportError) throw new UserError(`--arch: ${e.message}`);
    throw e;
  }
}

/** Every file a --arch run writes: the MLP run's files and, when it trains, the checkpoint. */
export function cnnOutputPaths(out: string, reportTest: boolean, fromCheckpoint: boolean): string[] {
  return [...trainingOutputPaths(out, reportTest), ...(fromCheckpoint ? [] : [checkpointPath(out)])];
}

/**
 * Options that may differ between the training command and an export from its checkpoint: the
 * output, overwriting, whether test/ is reported, where the data lives, and the MLP-only options.
 */
const EXPORT_MAY_CHANGE = [
  "--out",
  "--force",
  "--no-test",
  "--data",
  "--from-checkpoint",
  "--hidden",
  "--dropout",
];

/** The checkpoint of --from-checkpoint, refused in one line unless this command repeats its training options. */
function checkpointOption(file: string, cmd: Command, o: Record<string, unknown>): CnnCheckpoint {
  try {
    const ck = readCheckpoint(file);
    const diff = commandDifference(ck.command, cmd, o, EXPORT_MAY_CHANGE);
    if (diff)
      throw new CheckpointError(
        `the network was trained with ${diff}; repeat the training command's options (recorded in the checkpoint)`,
      );
    return ck;
  } catch (e) {
    if (e instanceof CheckpointError) throw new UserError(`--from-checkpoint ${file}: ${e.message}`);
    throw e;
  }
}

export function trainCnnCommand(
  opts: RunOptions,
  arch: LayerSpec[],
  cli: { cmd: Command; o: Record<string, unknown> },
): void {
  const { hidden: _hidden, dropout: _dropout, ...rest } = opts;
  const file = cli.o.fromCheckpoint as string | undefined;
  const fromCheckpoint = file === undefined ? undefined : checkpointOption(file, cli.cmd, cli.o);
  // The recorded command leaves out the MLP-only options (their defaults do not apply).
  const command = rest.command.replace(/ --hidden \S+/, "").replace(/ --dropout \S+/, "");
  const cnnOpts: CnnRunOptions = { ...rest, command, arch, fromCheckpoint };
  let r: ReturnType<typeof runCnnTraining>;
  try {
    r = runCnnTraining(cnnOpts);
  } catch (e) {
    if (e instanceof CheckpointError) throw new UserError(`--from-checkpoint ${file}: ${e.message}`);
    throw e;
  }
  printRunResult(opts.out, r, r.checkpoint ? `; checkpoint ${r.checkpoint}` : `; exported from ${file}`);
}
