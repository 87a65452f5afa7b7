// `loom train --arch`: trains a convolutional network with the data, augmentation and
// validation protocol of the MLP runs, writes its checkpoint, then ends exactly as an MLP run
// does (src/train/run.ts exportAndReport): export, decision margin on validation with the
// exported model's integer inference, metrics, golden cross-check, model file and report.
// With a checkpoint (--from-checkpoint) the network is rebuilt from it instead of trained.

import { Rng } from "../../core/rng.js";
import type { Split } from "../../data/load.js";
import { argmax } from "../../model/golden/argmax.js";
import { type CommonRunOptions, exportAndReport, loadTrainingData, type RunResult } from "../run.js";
import { forwardSplit, INPUT_SCALE } from "../trainer.js";
import { describeLayer, type LayerSpec } from "./arch.js";
import {
  CheckpointError,
  type CheckpointIdentity,
  type CnnCheckpoint,
  checkpointMismatch,
  restoreCheckpoint,
  writeCheckpoint,
} from "./checkpoint.js";
import { checkExportable, exportCnn } from "./export.js";
import type { QuantCnn } from "./net.js";
import { buildCnn, trainCnn } from "./train.js";

export interface CnnRunOptions extends Omit<CommonRunOptions, "dropout"> {
  arch: LayerSpec[];
  /**
   * Export this checkpoint instead of training. Its command, history and best epoch are the
   * run's, so the files equal those the training run would have written with this code.
   */
  fromCheckpoint?: CnnCheckpoint;
}

export interface CnnRunResult extends RunResult {
  /** The checkpoint written after training (none when exporting a checkpoint). */
  checkpoint?: string;
}

/** Arg-max of the training graph in evaluation mode (batch norm on running statistics). */
function graphPredictions(net: QuantCnn, s: Split, K: number): number[] {
  const out: number[] = [];
  // 128 images at a time: a larger batch's feature maps need gigabytes at 64×64.
  forwardSplit(net, s, 128, (logits, _start, n) => {
    for (let r = 0; r < n; r++) out.push(argmax(Array.from(logits.subarray(r * K, (r + 1) * K))));
  });
  return out;
}

export function checkpointPath(out: string): string {
  return `${out.replace(/\.json$/, "")}-checkpoint.json`;
}

export function runCnnTraining(opts: CnnRunOptions): CnnRunResult {
  checkExportable(opts.arch);
  const arch = opts.arch.map(describeLayer).join("-");
  const identity: CheckpointIdentity = {
    arch,
    wbits: opts.wbits,
    abits: opts.abits,
    width: opts.width,
    height: opts.height,
    inputScale: INPUT_SCALE,
  };
  const ck = opts.fromCheckpoint;
  const mismatch = ck && checkpointMismatch(ck, identity);
  if (mismatch) throw new CheckpointError(mismatch);
  const data = loadTrainingData(opts);
  const { train, val, K, ds } = data;
  let trained: { net: QuantCnn; history: CnnCheckpoint["history"]; bestEpoch: number };
  let checkpoint: string | undefined;
  if (ck) {
    if (ck.classes.join(",") !== ds.classes.join(","))
      throw new CheckpointError(
        `the checkpoint's classes are ${ck.classes.join(", ")}, the data's ${ds.classes.join(", ")}`,
      );
    const net = buildCnn(opts.arch, opts.width, opts.height, K, opts, new Rng(opts.seed));
    restoreCheckpoint(net, ck);
    trained = { net, history: ck.history, bestEpoch: ck.bestEpoch };
  } else {
    trained = trainCnn(train, val, opts.width, opts.height, K, { ...opts });
    checkpoint = checkpointPath(opts.out);
    writeCheckpoint(checkpoint, trained.net, {
      ...identity,
      command: opts.command,
      classes: ds.classes,
      bestEpoch: trained.bestEpoch,
      history: trained.history,
    });
  }
  const { net } = trained;
  // An export from a checkpoint records the command that trained the network.
  const command = ck?.command ?? opts.command;
  const result = exportAndReport({ ...opts, command }, data, {
    trainer: "loom train --arch (src/train/cnn)",
    network: { arch },
    summary: `CNN ${arch}`,
    history: trained.history,
    bestEpoch: trained.bestEpoch,
    exportModel: (o) => exportCnn(net, o),
    trainingGraphPredictions: (s) => graphPredictions(net, s, K),
  });
  return { ...result, checkpoint };
}
