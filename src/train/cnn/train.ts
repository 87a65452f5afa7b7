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
  const net = buildCnn(opts.arch, width, height, K, opts, rng);
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

/** The untrained network of a spec on single-channel images (initialized from `rng`). */
export function buildCnn(
  arch: LayerSpec[],
  width: number,
  height: number,
  K: number,
  bits: { wbits: number; abits: number },
  rng: Rng,
): QuantCnn {
  const plan = planArch(arch, { h: height, w: width, c: 1 }, K);
  return new QuantCnn(
    { plan, wbits: bits.wbits, abits: bits.abits, float: false, inputScale: INPUT_SCALE },
    rng,
  );
}
