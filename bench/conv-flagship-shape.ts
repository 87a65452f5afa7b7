// A network of the pneumonia CNN's shape with random weights (64×64×1 UINT8; conv 3×3 valid
// 16-32-64-128, each with a 2×2 max-pool; dense 512 → 2; INT4 weights, UINT4 activations):
// compiled for the ZCU104 as `loom gen` does, then three images in Verilator under output
// backpressure against the golden model, and free-running for the interval and FIFO peaks.
// Run: npx tsx bench/conv-flagship-shape.ts [--no-sim]
import { compileModel } from "../src/compiler/generate.js";
import { simulateAccelerator } from "../src/compiler/simulate.js";
import { runGolden } from "../src/model/golden/index.js";
import type { Layer, Model } from "../src/model/model-format.js";

let seed = 1;
const draw = (lo: number, hi: number) => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return lo + Math.floor((seed / 2 ** 32) * (hi - lo + 1));
};

function flagshipShape(): Model {
  const layers: Layer[] = [];
  let [h, w, c] = [64, 64, 1];
  let inMax = 255;
  for (const oc of [16, 32, 64, 128]) {
    const mw = 9 * c;
    const weights = Array.from({ length: oc }, () => Array.from({ length: mw }, () => draw(-8, 7)));
    const span = Math.round((mw * 8 * inMax) / 8);
    layers.push({
      name: `conv${layers.length}`,
      kind: "conv",
      inShape: [h, w, c],
      outChannels: oc,
      kernel: [3, 3],
      stride: [1, 1],
      padding: { top: 0, bottom: 0, left: 0, right: 0 },
      weightDatatype: "INT4",
      weights,
      activation: {
        kind: "thresholds",
        outDatatype: "UINT4",
        outBias: 0,
        thresholds: weights.map(() =>
          Array.from({ length: 15 }, () => draw(-span, span)).sort((a, b) => a - b),
        ),
      },
      pool: { kind: "max", kernel: [2, 2], stride: [2, 2] },
    });
    [h, w, c] = [Math.floor((h - 2) / 2), Math.floor((w - 2) / 2), oc];
    inMax = 15;
  }
  const features = h * w * c;
  layers.push({
    name: "fc",
    kind: "dense",
    inFeatures: features,
    outFeatures: 2,
    weightDatatype: "INT4",
    weights: [0, 1].map(() => Array.from({ length: features }, () => draw(-8, 7))),
    activation: { kind: "none", bias: [0, 1], scale: 1 },
  });
  return {
    format: "loom-qnn",
    version: 1,
    name: "cnn_shape",
    input: { shape: [64, 64, 1], datatype: "UINT8" },
    layers,
    output: { argmax: true },
  };
}

const t0 = performance.now();
const c = compileModel(flagshipShape(), { board: "zcu104", scores: true, exposeFifoCounts: true });
const e = c.report.estimate;
console.log(
  `compiled in ${((performance.now() - t0) / 1000).toFixed(1)} s: II ${c.report.initiationInterval} cycles, latency ${c.report.latencyCycles} cycles, ${c.report.throughputPerSecond} images/s at ${c.clockMHz} MHz; ` +
    `est. ${e.lut} LUT, ${e.ff} FF, ${e.bram36} BRAM36, ${e.dsp} DSP; folding ${c.plan.layers.map((l) => `PE ${l.folding.pe}/SIMD ${l.folding.simd}`).join(", ")}; FIFOs ${c.plan.links.map((l) => l.fifoDepth).join(", ")}`,
);
if (!process.argv.includes("--no-sim")) {
  const inputs = Array.from({ length: 3 }, () => Array.from({ length: 64 * 64 }, () => BigInt(draw(0, 255))));
  const golden = runGolden(c.streamlined, inputs);
  const stalled = await simulateAccelerator(c, inputs, "verilator", {
    readyPattern: { probability: 0.7, seed: 1 },
  });
  const same = JSON.stringify(stalled.outputs?.map(String)) === JSON.stringify(golden.scores.map(String));
  const free = await simulateAccelerator(c, inputs, "verilator");
  console.log(
    `Verilator: scores ${same ? "equal" : "DIFFER from"} the golden model under backpressure; measured II ${free.cyclesPerInference} cycles, latency ${free.latencyCycles} cycles (report ${c.report.latencyCycles}); FIFO peaks ${JSON.stringify(free.fifoPeaks)}`,
  );
}
