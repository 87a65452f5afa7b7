// Why the FIFO before a conv layer holds its window's first load (src/compiler/fifo-sizing.ts):
// two balanced 3×3 conv layers (8×8×4 → 8 → 8, same padding, 2,304 cycles each) and a dense
// tail, simulated free-running in Verilator with the sized FIFOs and with two-beat FIFOs.
// Run: npx tsx bench/conv-fifo-depth.ts
import { Accelerator } from "../src/compiler/accelerator.js";
import { compileModel } from "../src/compiler/generate.js";
import { simulateAccelerator } from "../src/compiler/simulate.js";
import { elaborate } from "../src/dsl/index.js";
import type { Layer, Model } from "../src/model/model-format.js";
import { emitVerilog } from "../src/rtl/emit.js";

let s = 2;
const r = (lo: number, hi: number) => {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  return lo + Math.floor((s / 2 ** 32) * (hi - lo + 1));
};
const conv = (name: string, c: number, oc: number): Layer => ({
  name,
  kind: "conv",
  inShape: [8, 8, c],
  outChannels: oc,
  kernel: [3, 3],
  stride: [1, 1],
  padding: { top: 1, bottom: 1, left: 1, right: 1 },
  weightDatatype: "INT2",
  weights: Array.from({ length: oc }, () => Array.from({ length: 9 * c }, () => r(-2, 1))),
  activation: {
    kind: "thresholds",
    outDatatype: "UINT2",
    outBias: 0,
    thresholds: Array.from({ length: oc }, () => [r(-20, -5), r(-4, 4), r(5, 20)]),
  },
});
const model: Model = {
  format: "loom-qnn",
  version: 1,
  name: "fifoexp",
  input: { shape: [8, 8, 4], datatype: "UINT2" },
  layers: [
    conv("c0", 4, 8),
    conv("c1", 8, 8),
    {
      name: "fc",
      kind: "dense",
      inFeatures: 512,
      outFeatures: 2,
      weightDatatype: "INT2",
      weights: [0, 1].map(() => Array.from({ length: 512 }, () => r(-2, 1))),
      activation: { kind: "none", bias: [0, 0], scale: 1 },
    },
  ],
  output: { argmax: true },
};
const folding = {
  layers: [
    { name: "c0", pe: 2, simd: 4 },
    { name: "c1", pe: 4, simd: 4 },
    { name: "fc", pe: 1, simd: 8 },
  ],
};
const inputs = Array.from({ length: 6 }, () => Array.from({ length: 256 }, () => BigInt(r(0, 3))));
for (const small of [false, true]) {
  const c = compileModel(model, { board: "zcu104", folding, exposeFifoCounts: true });
  if (small) {
    c.plan.links.forEach((l, i) => {
      if (i > 0) l.fifoDepth = 2;
    });
    c.emitted = emitVerilog(elaborate(Accelerator, c.plan));
  }
  const f = await simulateAccelerator(c, inputs, "verilator");
  console.log(
    small ? "fifo 2" : "sized",
    c.plan.links.map((l) => l.fifoDepth),
    "cycles",
    c.plan.layers.map((l) => l.cycles),
    "II planned",
    c.plan.initiationInterval,
    "measured",
    f.cyclesPerInference,
    "peaks",
    JSON.stringify(f.fifoPeaks),
  );
}
