// Training entry point of the convolutional trainer: the same loop, loss, optimizer,
// augmentation and validation as the MLP trainer (src/train/trainer.ts), with a QuantCnn.

import { Rng } from "../../core/rng.js";
import type { Split } from "../../data/load.js";
import { INPUT_SCALE, type TrainOptions, type TrainResult, trainNetwork } from "../trainer.js";
import { type LayerSpec, planArch } from "./arch.js";
import { QuantCnn } from "./net.js";

export interface CnnTrainOptions extends Omit<TrainOptions, "hidden"> {
  arch: LayerSpec[];
}

/** Trains a CNN on single-channel width × height images (NHWC with C = 1). */
export function trainCnn(
  train: Split,
  val: Split,
  width: number,
  height: number,
  K: number,
  opts: CnnTrainOptions,
): TrainResult<QuantCnn> {
  if (train.dim !== width * height)
    throw new Error(`images have ${train.dim} values, expected ${width}x${height} single-channel`);
  const rng = new Rng(opts.seed);
  const plan = planArch(opts.arch, { h: height, w: width, c: 1 }, K);
  const net = new QuantCnn(
    { plan, wbits: opts.wbits, abits: opts.abits, float: false, inputScale: INPUT_SCALE },
    rng,
  );
  const t = net.trainables(opts.weightDecay ?? 1e-4);
  return trainNetwork(
    net,
    // Feature maps of 512 images would need gigabytes; 128 images calibrate the clips well.
    { ...t, afterStep: () => net.clampClips(), calibrationImages: 128 },
    rng,
    train,
    val,
    width,
    height,
    K,
    opts,
  );
}
