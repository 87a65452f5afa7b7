// The training loop: shuffled mini-batches with augmentation, class-weighted cross-entropy,
// AdamW with a cosine learning-rate schedule, and early stopping on validation loss (the best
// epoch's parameters are restored). Everything random comes from one seeded Rng.

import { Rng } from "../core/rng.js";
import type { Split } from "../data/load.js";
import { Adam } from "./adam.js";
import { type AugmentOptions, augmentInto, NO_AUGMENT } from "./augment.js";
import { QuantMlp, softmaxCrossEntropy } from "./mlp.js";

/** What the training loop needs of a network (QuantMlp, QuantCnn). */
export interface TrainableNet<S> {
  /** `training` is given on training steps only (dropout; batch statistics). */
  forward(x: Float32Array, B: number, training?: { rate: number; rng: Rng }): Float32Array;
  backward(dLogits: Float32Array): void;
  calibrate(x: Float32Array, B: number): void;
  snapshot(): S;
  restore(s: S): void;
}

/** Parameter tensors, their gradients and weight decays for the optimizer; `afterStep` keeps clips valid. */
export interface Trainables {
  params: Float32Array[];
  grads: Float32Array[];
  decay: number[];
  afterStep: () => void;
  /** Images in the clip-calibration batch (default 512). */
  calibrationImages?: number;
}

export interface TrainOptions {
  hidden: number[];
  wbits: number;
  abits: number;
  epochs: number;
  seed: number;
  batch?: number;
  lr?: number;
  weightDecay?: number;
  dropout?: number;
  augment?: AugmentOptions;
  /** Epochs without a better validation loss before stopping (0 = never stop early). */
  patience?: number;
  /** "balanced" weighs each class by N / (K·N_class) in the loss. */
  classWeight?: "balanced" | "none";
  /** Label smoothing ε of the training loss (validation loss is always unsmoothed). */
  labelSmoothing?: number;
  onEpoch?: (r: EpochRecord) => void;
  onBatch?: (done: number, total: number, loss: number) => void;
}

export interface EpochRecord {
  epoch: number;
  lr: number;
  trainLoss: number;
  valLoss: number;
  /** Of the fake-quant network at the plain arg-max (no margin yet). */
  valAccuracy: number;
  valBalancedAccuracy: number;
  seconds: number;
}

export interface TrainResult<N = QuantMlp> {
  net: N;
  history: EpochRecord[];
  bestEpoch: number;
  classWeights: number[];
}

export const INPUT_SCALE = 1 / 255;

function classWeights(y: Uint8Array, K: number, mode: "balanced" | "none"): number[] {
  const counts = new Array<number>(K).fill(0);
  for (const v of y) counts[v]!++;
  return counts.map((c) => (mode === "balanced" && c > 0 ? y.length / (K * c) : 1));
}

/** Runs the network in evaluation mode over a split, B images at a time, handing over each batch's logits. */
export function forwardSplit<S>(
  net: TrainableNet<S>,
  s: Split,
  B: number,
  each: (logits: Float32Array, start: number, n: number) => void,
): void {
  for (let start = 0; start < s.n; start += B) {
    const n = Math.min(B, s.n - start);
    const x = new Float32Array(n * s.dim);
    for (let i = 0; i < n * s.dim; i++) x[i] = s.x[start * s.dim + i]! * INPUT_SCALE;
    each(net.forward(x, n), start, n);
  }
}

/** Loss, accuracy and balanced accuracy of the network (no dropout, no augmentation) on a split. */
export function evaluateSplit<S>(net: TrainableNet<S>, s: Split, weights: number[], K: number) {
  const B = 256;
  let loss = 0;
  let wsum = 0;
  let correct = 0;
  const hit = new Array<number>(K).fill(0);
  const count = new Array<number>(K).fill(0);
  forwardSplit(net, s, B, (logits, start, n) => {
    const labels = s.y.subarray(start, start + n);
    let bw = 0;
    for (const y of labels) bw += weights[y]!;
    loss += softmaxCrossEntropy(logits, labels, weights, n, K, new Float32Array(n * K)) * bw;
    wsum += bw;
    for (let r = 0; r < n; r++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (logits[r * K + k]! > logits[r * K + best]!) best = k;
      const y = labels[r]!;
      count[y]!++;
      if (best === y) {
        correct++;
        hit[y]!++;
      }
    }
  });
  const recalls = count.map((c, k) => (c ? hit[k]! / c : 0));
  return {
    loss: loss / wsum,
    accuracy: correct / s.n,
    balancedAccuracy: recalls.reduce((a, b) => a + b, 0) / K,
  };
}

export function trainMlp(
  train: Split,
  val: Split,
  width: number,
  height: number,
  K: number,
  opts: TrainOptions,
): TrainResult {
  const rng = new Rng(opts.seed);
  const net = new QuantMlp(
    {
      inputs: train.dim,
      hidden: opts.hidden,
      outputs: K,
      wbits: opts.wbits,
      abits: opts.abits,
      inputScale: INPUT_SCALE,
    },
    rng,
  );
  const wd = opts.weightDecay ?? 1e-4;
  const params: Float32Array[] = [];
  const decay: number[] = [];
  for (const p of net.layers) {
    params.push(p.w, p.b, p.alpha);
    decay.push(wd, 0, wd);
  }
  const grads = net.grads.flatMap((g) => [g.w, g.b, g.alpha]);
  // A clip must stay positive: it is the top of the activation grid.
  const afterStep = () => {
    for (const p of net.layers) p.alpha[0] = Math.max(p.alpha[0]!, 1e-3);
  };
  return trainNetwork(net, { params, grads, decay, afterStep }, rng, train, val, width, height, K, opts);
}

/**
 * The loop shared by every network: calibration, epochs of augmented shuffled mini-batches,
 * validation after each epoch, early stopping and restoring the best epoch.
 */
export function trainNetwork<N extends TrainableNet<S>, S>(
  net: N,
  t: Trainables,
  /** The generator that initialized the network; shuffling and augmentation continue it. */
  rng: Rng,
  train: Split,
  val: Split,
  width: number,
  height: number,
  K: number,
  opts: Omit<TrainOptions, "hidden" | "wbits" | "abits">,
): TrainResult<N> {
  const B = opts.batch ?? 64;
  const lr0 = opts.lr ?? 1e-3;
  const aug = opts.augment ?? NO_AUGMENT;
  const weights = classWeights(train.y, K, opts.classWeight ?? "balanced");
  const adam = new Adam(t.params);

  // Calibrate activation clips on one un-augmented batch of training images.
  const calN = Math.min(t.calibrationImages ?? 512, train.n);
  const cal = new Float32Array(calN * train.dim);
  for (let i = 0; i < cal.length; i++) cal[i] = train.x[i]! * INPUT_SCALE;
  net.calibrate(cal, calN);

  const order = Array.from({ length: train.n }, (_, i) => i);
  const history: EpochRecord[] = [];
  let best = { loss: Number.POSITIVE_INFINITY, epoch: 0, params: net.snapshot() };
  const batches = Math.ceil(train.n / B);
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const t0 = performance.now();
    // Cosine decay to 5% of the initial rate over the planned epochs.
    const lr = lr0 * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * (epoch - 1)) / Math.max(1, opts.epochs))));
    rng.shuffle(order);
    let lossSum = 0;
    for (let k = 0; k < batches; k++) {
      const idx = order.slice(k * B, (k + 1) * B);
      const n = idx.length;
      const x = new Float32Array(n * train.dim);
      const labels = new Uint8Array(n);
      idx.forEach((j, r) => {
        augmentInto(
          train.x.subarray(j * train.dim, (j + 1) * train.dim),
          width,
          height,
          aug,
          rng,
          x,
          r * train.dim,
          INPUT_SCALE,
        );
        labels[r] = train.y[j]!;
      });
      const logits = net.forward(x, n, { rate: opts.dropout ?? 0, rng });
      const dLogits = new Float32Array(n * K);
      const loss = softmaxCrossEntropy(logits, labels, weights, n, K, dLogits, opts.labelSmoothing ?? 0);
      net.backward(dLogits);
      adam.step(t.grads, lr, t.decay);
      t.afterStep();
      lossSum += loss;
      opts.onBatch?.(k + 1, batches, loss);
    }
    const v = evaluateSplit(net, val, weights, K);
    const rec: EpochRecord = {
      epoch,
      lr,
      trainLoss: lossSum / batches,
      valLoss: v.loss,
      valAccuracy: v.accuracy,
      valBalancedAccuracy: v.balancedAccuracy,
      seconds: (performance.now() - t0) / 1000,
    };
    history.push(rec);
    opts.onEpoch?.(rec);
    if (v.loss < best.loss) best = { loss: v.loss, epoch, params: net.snapshot() };
    else if ((opts.patience ?? 0) > 0 && epoch - best.epoch >= opts.patience!) break;
  }
  net.restore(best.params);
  return { net, history, bestEpoch: best.epoch, classWeights: weights };
}
