// Speed of the convolutional trainer: GMAC/s of the GEMM kernels alone (single-threaded, at the
// flagship CNN's layer shapes) and of whole training steps (forward + backward + AdamW) of the
// flagship CNN (c16k3-p2-c32k3-p2-c64k3-p2-c128k3-p2-fc2 on 64×64, W4A4, 8.26 M MACs/image),
// with the epoch time over 5,216 images that implies. A training step counts 3× the forward
// MACs (forward, input gradient, weight gradient). The machine's load is printed with each
// figure because other jobs share the cores. Run: npx tsx bench/conv-train-speed.ts [batches]
import { loadavg } from "node:os";
import { Rng } from "../src/core/rng.js";
import { Adam } from "../src/train/adam.js";
import { parseArch, planArch } from "../src/train/cnn/arch.js";
import { gemmAB, gemmABt, gemmAtB } from "../src/train/cnn/kernels.js";
import { QuantCnn } from "../src/train/cnn/net.js";
import { softmaxCrossEntropy } from "../src/train/mlp.js";
import { describeMachine } from "./machine.js";

const ARCH = "c16k3-p2-c32k3-p2-c64k3-p2-c128k3-p2-fc2";
const TRAIN_IMAGES = 5216;
const load = () =>
  `load ${loadavg()
    .map((v) => v.toFixed(2))
    .join(" ")}`;

/** Seconds of wall time and of this process's CPU time per call. */
function time(fn: () => void, minMs = 1500): { wall: number; cpu: number } {
  fn(); // warm-up (JIT tiers, allocation)
  let runs = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    fn();
    runs++;
  }
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / runs / 1000, cpu: (c.user + c.system) / 1e6 / runs };
}

function gemmSpeed(): void {
  const rng = new Rng(1);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  // (rows M = batch·pixels, K = KH·KW·C, N = output channels) of conv2..conv4 at batch 16.
  for (const [name, m, k, n] of [
    ["conv2", 16 * 29 * 29, 144, 32],
    ["conv3", 16 * 12 * 12, 288, 64],
    ["conv4", 16 * 4 * 4, 576, 128],
  ] as const) {
    const a = rand(m * k);
    const w = rand(n * k);
    const y = new Float32Array(m * n);
    const dy = rand(m * n);
    const dw = new Float32Array(n * k);
    const da = new Float32Array(m * k);
    const macs = m * k * n;
    const f = time(() => gemmABt(a, w, y, m, k, n));
    const gw = time(() => gemmAtB(dy, a, dw, m, n, k));
    const ga = time(() => gemmAB(dy, w, da, m, n, k));
    const g = (t: { wall: number; cpu: number }) =>
      `${(macs / t.wall / 1e9).toFixed(2)} (${(macs / t.cpu / 1e9).toFixed(2)})`;
    console.log(
      `GEMM ${name} M=${m} K=${k} N=${n}: forward ${g(f)}, weight grad ${g(gw)}, input grad ${g(ga)} GMAC/s wall (per CPU second); 1 thread; ${load()}`,
    );
  }
}

function trainingSpeed(batches: number): void {
  const B = 64;
  const rng = new Rng(2);
  const plan = planArch(parseArch(ARCH), { h: 64, w: 64, c: 1 }, 2);
  const macs = plan.macs.reduce((a, b) => a + b, 0);
  const net = new QuantCnn({ plan, wbits: 4, abits: 4, float: false, inputScale: 1 / 255 }, rng);
  const x = Float32Array.from({ length: B * 64 * 64 }, () => rng.int(256) / 255);
  const labels = Uint8Array.from({ length: B }, (_, i) => i % 2);
  net.calibrate(x, B);
  const t = net.trainables(1e-4);
  const adam = new Adam(t.params);
  const step = () => {
    const logits = net.forward(x, B, { rate: 0, rng });
    const d = new Float32Array(B * 2);
    softmaxCrossEntropy(logits, labels, [1, 1], B, 2, d);
    net.backward(d);
    adam.step(t.grads, 1e-3, t.decay);
  };
  step();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < batches; i++) step();
  const c = process.cpuUsage(c0);
  for (const [what, s] of [
    ["wall", (performance.now() - t0) / 1000 / batches],
    ["CPU", (c.user + c.system) / 1e6 / batches],
  ] as const) {
    const perImage = s / B;
    console.log(
      `training step ${ARCH} 64x64 W4A4, batch ${B}, ${what} time: ${(s * 1000).toFixed(0)} ms/batch, ${(1 / perImage).toFixed(0)} images/s, ` +
        `${((3 * macs) / perImage / 1e9).toFixed(2)} GMAC/s (3 x ${(macs / 1e6).toFixed(2)} M MACs/image); ` +
        `epoch of ${TRAIN_IMAGES} images ≈ ${(perImage * TRAIN_IMAGES).toFixed(0)} s (${load()})`,
    );
  }
}

console.log(describeMachine());
gemmSpeed();
trainingSpeed(Number(process.argv[2] ?? 4));
