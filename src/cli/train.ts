// `loom train`: trains a quantized MLP on an image folder and writes a Loom model file and report.
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { CropError, parseCrop } from "../data/crop.js";
import { MAX_FRAME_PERCENT } from "../data/frame.js";
import { NORMALIZATIONS, type Normalization } from "../data/normalize.js";
import { refuseOverwrite } from "../io/write-file.js";
import { type RunOptions, runTraining, trainingOutputPaths } from "../train/run.js";
import { epochEta } from "./progress.js";
import { archOption, cnnOutputPaths, trainCnnCommand } from "./train-cnn.js";
import { canonicalCommand } from "./train-command.js";
import { inferenceProgress, printRunResult } from "./train-output.js";
import { runCommand, UserError } from "./user-error.js";

/**
 * Largest input image in pixels (256×256): the first layer holds pixels × hidden weights (with
 * Adam's two moments, three float arrays) and the data set pixels × images bytes, so beyond this
 * a default run no longer fits a workstation's memory, and no FPGA input stream needs more.
 */
export const MAX_INPUT_PIXELS = 256 * 256;

function parseSize(s: string): [number, number] {
  const m = /^(\d+)x(\d+)$/i.exec(s.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
    throw new UserError(`--input ${s}: expected WIDTHxHEIGHT, e.g. 32x32`);
  if (Number(m[1]) * Number(m[2]) > MAX_INPUT_PIXELS)
    throw new UserError(`--input ${s}: at most ${MAX_INPUT_PIXELS} pixels (e.g. 256x256)`);
  return [Number(m[1]), Number(m[2])];
}

function parseInteger(name: string, s: string, lo: number, hi: number): number {
  const v = Number(s);
  if (!Number.isInteger(v) || v < lo || v > hi)
    throw new UserError(`${name} ${s}: expected an integer in ${lo}..${hi}`);
  return v;
}

function parseNum(name: string, s: string, lo: number, hi: number): number {
  const v = Number(s);
  if (!Number.isFinite(v) || v < lo || v > hi)
    throw new UserError(`${name} ${s}: expected a number in [${lo}, ${hi}]`);
  return v;
}

export function register(program: Command): void {
  program
    .command("train")
    .description(
      "train a quantized MLP or CNN classifier on {train,val,test}/{CLASS}/ images and write a model file",
    )
    .requiredOption("--data <dir>", "dataset folder with train/ (and optionally val/, test/)")
    .requiredOption("--out <file>", "model file to write, e.g. models/pneumonia-w8a8.json")
    .option("--input <WxH>", "input size the images are resized to", "32x32")
    .option("--hidden <list>", "hidden layer sizes", "256,128")
    .option(
      "--arch <spec>",
      'convolutional network instead of an MLP, e.g. "c16k3-p2-c32k3-p2-fc2" or a JSON array (docs/training.md); also writes NAME-checkpoint.json',
    )
    .option(
      "--from-checkpoint <file>",
      "with --arch: export the network of a checkpoint instead of training it (repeat the training command's options)",
    )
    .option("--wbits <n>", "weight bits (1 = bipolar)", "8")
    .option("--abits <n>", "activation bits", "8")
    .option("--epochs <n>", "maximum epochs", "30")
    .option("--seed <n>", "training seed (init, shuffling, augmentation, dropout)", "1")
    .option("--batch <n>", "mini-batch size", "64")
    .option("--lr <x>", "initial Adam learning rate (cosine decay)", "0.001")
    .option("--weight-decay <x>", "decoupled weight decay", "0.0001")
    .option("--dropout <x>", "dropout rate on hidden activations", "0")
    .option("--shift <n>", "augmentation: largest shift in pixels", "2")
    .option("--contrast <x>", "augmentation: contrast jitter ±x", "0.2")
    .option("--brightness <x>", "augmentation: brightness jitter ±x·255", "0.05")
    .option("--zoom <x>", "augmentation: zoom jitter ±x (0 = off)", "0")
    .option("--aspect <x>", "augmentation: aspect-ratio jitter exp(±x) (0 = off)", "0")
    .option("--gamma <x>", "augmentation: gamma jitter exp(±x) (0 = off)", "0")
    .option(
      "--crop <pct>",
      "border crop before resizing, percent of the source: one number for all sides or top,bottom,left,right",
      "0",
    )
    .option(
      "--frame <pct>",
      "content framing after resizing: crop to the rows and columns holding all but pct % of the brightness mass at each end, resize back (0 = off)",
      "0",
    )
    .option("--normalize <mode>", `per-image normalization: ${NORMALIZATIONS.join(", ")}`, "none")
    .option("--patience <n>", "early stopping patience in epochs (0 = off)", "6")
    .option("--class-weight <mode>", "balanced or none", "balanced")
    .option("--val-fraction <x>", "fraction of train/ held out per class when there is no val/", "0.15")
    .option("--split-seed <n>", "seed of the validation hold-out", "1")
    .option(
      "--val-strategy <kind>",
      "validation hold-out: random (stratified, patient-grouped), block (contiguous patient-ID blocks) or source (one NORMAL file series)",
      "random",
    )
    .option("--val-folds <n>", "number of blocks for --val-strategy block", "3")
    .option("--val-fold <n>", "which block (or source) is held out", "0")
    .option(
      "--val-shifts",
      "validate (early stopping, decision margin) on the hold-out plus 12 acquisition-shifted copies of it",
    )
    .option("--label-smoothing <x>", "label smoothing of the cross-entropy targets", "0")
    .option("--no-test", "do not evaluate test/ for the report")
    .option("--force", "replace an existing model file and its report")
    .action((o, cmd: Command) =>
      runCommand(() => {
        if (o.fromCheckpoint !== undefined && o.arch === undefined)
          throw new UserError("--from-checkpoint needs --arch (only convolutional runs write checkpoints)");
        refuseOverwrite(
          o.arch === undefined
            ? trainingOutputPaths(o.out, o.test !== false)
            : cnnOutputPaths(o.out, o.test !== false, o.fromCheckpoint !== undefined),
          o.force === true,
          "loom train",
        );
        const [width, height] = parseSize(o.input);
        const hidden = String(o.hidden)
          .split(",")
          .filter((s) => s.trim() !== "")
          .map((s) => parseInteger("--hidden", s, 1, 65536));
        if (!NORMALIZATIONS.includes(o.normalize)) {
          throw new UserError(`--normalize ${o.normalize}: expected one of ${NORMALIZATIONS.join(", ")}`);
        }
        if (o.classWeight !== "balanced" && o.classWeight !== "none") {
          throw new UserError(`--class-weight ${o.classWeight}: expected balanced or none`);
        }
        const epochs = parseInteger("--epochs", o.epochs, 1, 100000);
        let crop: ReturnType<typeof parseCrop>;
        try {
          crop = parseCrop(String(o.crop), "--crop");
        } catch (e) {
          if (e instanceof CropError) throw new UserError(e.message);
          throw e;
        }
        if (!["random", "block", "source"].includes(o.valStrategy)) {
          throw new UserError(`--val-strategy ${o.valStrategy}: expected random, block or source`);
        }
        const valFold = parseInteger("--val-fold", o.valFold, 0, 1000);
        const valStrategy =
          o.valStrategy === "block"
            ? {
                kind: "block" as const,
                folds: parseInteger("--val-folds", o.valFolds, 2, 1000),
                fold: valFold,
              }
            : o.valStrategy === "source"
              ? { kind: "source" as const, fold: valFold }
              : { kind: "random" as const };
        const tty = Boolean(process.stderr.isTTY);
        const bar = new cliProgress.SingleBar(
          {
            format: "epoch {epoch}/{epochs} |{bar}| {value}/{total} batches | loss {loss} | val acc {valAcc}",
            stream: process.stderr,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        let valAcc = "-";
        let epoch = 1;
        let started = false;
        let epochSeconds = 0;
        const runOptions: RunOptions = {
          data: o.data,
          out: o.out,
          width,
          height,
          hidden,
          wbits: parseInteger("--wbits", o.wbits, 1, 8),
          abits: parseInteger("--abits", o.abits, 1, 8),
          epochs,
          seed: parseInteger("--seed", o.seed, 0, 2 ** 32 - 1),
          batch: parseInteger("--batch", o.batch, 1, 65536),
          lr: parseNum("--lr", o.lr, 0, 1),
          weightDecay: parseNum("--weight-decay", o.weightDecay, 0, 10),
          dropout: parseNum("--dropout", o.dropout, 0, 0.95),
          augment: {
            shift: parseInteger("--shift", o.shift, 0, 64),
            contrast: parseNum("--contrast", o.contrast, 0, 0.99),
            brightness: parseNum("--brightness", o.brightness, 0, 1),
            zoom: parseNum("--zoom", o.zoom, 0, 0.9),
            gamma: parseNum("--gamma", o.gamma, 0, 3),
            aspect: parseNum("--aspect", o.aspect, 0, 2),
          },
          crop,
          frame: parseInteger("--frame", o.frame, 0, MAX_FRAME_PERCENT),
          normalize: o.normalize as Normalization,
          patience: parseInteger("--patience", o.patience, 0, 100000),
          classWeight: o.classWeight,
          valFraction: parseNum("--val-fraction", o.valFraction, 0.001, 0.999),
          splitSeed: parseInteger("--split-seed", o.splitSeed, 0, 2 ** 32 - 1),
          valStrategy,
          valShifts: o.valShifts === true,
          labelSmoothing: parseNum("--label-smoothing", o.labelSmoothing, 0, 0.99),
          reportTest: o.test !== false,
          command: canonicalCommand(cmd, o),
          onInferenceProgress: inferenceProgress(tty),
          onBatch: (done, total, loss) => {
            if (!tty) return;
            if (!started) {
              bar.start(total, 0, { epoch, epochs, loss: "-", valAcc });
              started = true;
            }
            bar.update(done, { epoch, epochs, loss: loss.toFixed(4), valAcc });
          },
          onEpoch: (r) => {
            valAcc = `${(100 * r.valAccuracy).toFixed(2)}%`;
            if (tty) {
              bar.update({ valAcc });
              bar.stop();
              started = false;
            }
            process.stderr.write(
              `epoch ${r.epoch}/${epochs}: train loss ${r.trainLoss.toFixed(4)}, val loss ${r.valLoss.toFixed(4)}, val acc ${valAcc}, val bal. acc ${(100 * r.valBalancedAccuracy).toFixed(2)}% (${r.seconds.toFixed(1)} s${epochEta(r.epoch, epochs, (epochSeconds += r.seconds))})\n`,
            );
            epoch = r.epoch + 1;
          },
        };
        if (o.arch !== undefined) {
          trainCnnCommand(
            runOptions,
            archOption(String(o.arch), cmd, width, height, runOptions.dropout ?? 0),
            {
              cmd,
              o,
            },
          );
          return;
        }
        printRunResult(o.out, runTraining(runOptions));
      }),
    );
}
