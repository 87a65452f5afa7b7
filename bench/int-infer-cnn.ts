// Speed of the integer inference (src/train/int-infer.ts) on the flagship CNN's shape: 64×64×1
// UINT8 input, four 3×3 valid conv layers of 16, 32, 64, 128 channels with batch norm, ReLU,
// a 4-bit quantizer and a 2×2 max-pool, then dense 512 → 2 (8.3 M MACs per image). Weights and
// batch-norm statistics are random (seeded), so the numbers are about speed only.
// Run: npx tsx bench/int-infer-cnn.ts [images]

import { inspectModel } from "../src/fold/inference-cost.js";
import { runGolden } from "../src/model/golden/run-golden.js";
import type { Layer, Model } from "../src/model/model-format.js";
import { parseModel } from "../src/model/model-load.js";
import { streamlineModel } from "../src/streamline/streamline.js";
import { inferInteger } from "../src/train/int-infer.js";

let seed = 12345;
const rand = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

const channels = [1, 16, 32, 64, 128];
const layers: Layer[] = [];
let side = 64;
for (let i = 0; i < 4; i++) {
  const c = channels[i]!;
  const oc = channels[i + 1]!;
  const mw = 9 * c;
  layers.push({
    name: `conv${i}`,
    kind: "conv",
    inShape: [side, side, c],
    outChannels: oc,
    kernel: [3, 3],
    stride: [1, 1],
    padding: { top: 0, bottom: 0, left: 0, right: 0 },
    weightDatatype: "INT4",
    weights: Array.from({ length: oc }, () => Array.from({ length: mw }, () => int(-8, 7))),
    activation: {
      kind: "float",
      scale: (i === 0 ? 1 / 255 : 0.25) / Math.sqrt(mw) / 4,
      bias: 0,
      batchnorm: {
        mean: Array.from({ length: oc }, () => rand() - 0.5),
        variance: Array.from({ length: oc }, () => 0.5 + rand()),
        gamma: Array.from({ length: oc }, () => 0.5 + rand()),
        beta: Array.from({ length: oc }, () => rand() - 0.3),
        epsilon: 1e-5,
      },
      relu: true,
      quant: { scale: 0.25, bits: 4, signed: false, narrow: false, rounding: "ROUND" },
    },
    pool: { kind: "max", kernel: [2, 2], stride: [2, 2] },
  });
  side = Math.floor((side - 2) / 2);
}
layers.push({
  name: "fc",
  kind: "dense",
  inFeatures: side * side * 128,
  outFeatures: 2,
  weightDatatype: "INT4",
  weights: Array.from({ length: 2 }, () => Array.from({ length: side * side * 128 }, () => int(-8, 7))),
  activation: { kind: "none", bias: [3, -2], scale: 0.01 },
});
const model: Model = parseModel({
  format: "loom-qnn",
  version: 1,
  name: "cnn-speed",
  input: { shape: [64, 64, 1], datatype: "UINT8" },
  layers,
  output: { argmax: true },
});

const images = Number(process.argv[2] ?? 200);
const pixels = Float64Array.from({ length: images * 64 * 64 }, () => int(0, 255));
const macs = inspectModel(model).layers.reduce((s, l) => s + l.macs, 0);
inferInteger(model, pixels, 5); // warm-up
// CPU time of this process: the machine is shared, so wall time would measure the neighbours.
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = inferInteger(model, pixels, images);
const wall = (performance.now() - t0) / 1000;
const used = process.cpuUsage(cpu0);
const seconds = (used.user + used.system) / 1e6;
const positive = result.predictions.filter((p) => p === 1).length;
process.stdout.write(
  `${images} images in ${seconds.toFixed(2)} s CPU (${wall.toFixed(2)} s wall): ${(images / seconds).toFixed(1)} images/s, ` +
    `${((macs * images) / seconds / 1e9).toFixed(3)} GMAC/s (${(macs / 1e6).toFixed(2)} M MACs/image; ${positive} predicted class 1)\n`,
);

// The golden model (BigInt, per window) on the streamlined model, for comparison.
const goldenImages = Math.min(images, 20);
const streamlined = streamlineModel(model);
const goldenInputs = Array.from({ length: goldenImages }, (_, r) =>
  Array.from(pixels.subarray(r * 4096, (r + 1) * 4096), (p) => BigInt(p)),
);
const g0 = process.cpuUsage();
const golden = runGolden(streamlined, goldenInputs);
const g = process.cpuUsage(g0);
const goldenSeconds = (g.user + g.system) / 1e6;
const agree = golden.scores.every((s, r) => s.every((v, k) => Number(v) === result.scores[r]![k]));
process.stdout.write(
  `golden model (streamlined): ${goldenImages} images in ${goldenSeconds.toFixed(2)} s CPU: ${(goldenImages / goldenSeconds).toFixed(1)} images/s; scores ${agree ? "equal" : "DIFFER"}\n`,
);
