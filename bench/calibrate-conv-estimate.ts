// The conv layer's estimate (src/fold/estimate.ts: MVAU + padding + window + max-pool) against
// Yosys synth_xilinx (UltraScale+) on small conv networks compiled exactly as `loom gen` builds
// them: the whole accelerator core is synthesised and compared with the report's total (the
// dense tail is PE 1, SIMD 1 and small). Prints one JSON line per configuration.
// Run: npx tsx bench/calibrate-conv-estimate.ts
import { compileModel } from "../src/compiler/generate.js";
import type { Model } from "../src/model/model-format.js";
import { hierarchicalCells } from "../src/synth/stat.js";
import { classifyCells, runSynthStat } from "../src/synth/yosys.js";

interface ConvConfig {
  name: string;
  shape: [number, number, number];
  oc: number;
  pad: number;
  pe: number;
  simd: number;
}

const CONFIGS: ConvConfig[] = [
  {
    name: "16×16×8 3×3 same → 16, pool 2×2, PE4 SIMD8, w4a4",
    shape: [16, 16, 8],
    oc: 16,
    pad: 1,
    pe: 4,
    simd: 8,
  },
  {
    name: "32×32×1 3×3 valid → 8, pool 2×2, PE8 SIMD1, w4a4 (8-bit in)",
    shape: [32, 32, 1],
    oc: 8,
    pad: 0,
    pe: 8,
    simd: 1,
  },
];

function convModel(c: ConvConfig): Model {
  const [h, w, ch] = c.shape;
  const mw = 9 * ch;
  const ph = h + 2 * c.pad - 2;
  const pw = w + 2 * c.pad - 2;
  const features = Math.floor(ph / 2) * Math.floor(pw / 2) * c.oc;
  let s = 1;
  const r = (lo: number, hi: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + Math.floor((s / 2 ** 32) * (hi - lo + 1));
  };
  const inType = ch === 1 ? "UINT8" : "UINT4";
  const span = mw * 8 * (ch === 1 ? 255 : 15);
  return {
    format: "loom-qnn",
    version: 1,
    name: "calconv",
    input: { shape: c.shape, datatype: inType },
    layers: [
      {
        name: "conv0",
        kind: "conv",
        inShape: c.shape,
        outChannels: c.oc,
        kernel: [3, 3],
        stride: [1, 1],
        padding: { top: c.pad, bottom: c.pad, left: c.pad, right: c.pad },
        weightDatatype: "INT4",
        weights: Array.from({ length: c.oc }, () => Array.from({ length: mw }, () => r(-8, 7))),
        activation: {
          kind: "thresholds",
          outDatatype: "UINT4",
          outBias: 0,
          thresholds: Array.from({ length: c.oc }, () =>
            Array.from({ length: 15 }, () => r(-span / 8, span / 8)).sort((a, b) => a - b),
          ),
        },
        pool: { kind: "max", kernel: [2, 2], stride: [2, 2] },
        folding: { pe: c.pe, simd: c.simd },
      },
      {
        name: "fc",
        kind: "dense",
        inFeatures: features,
        outFeatures: 2,
        weightDatatype: "INT4",
        weights: [0, 1].map(() => Array.from({ length: features }, () => r(-8, 7))),
        activation: { kind: "none", bias: [0, 0], scale: 1 },
        folding: { pe: 1, simd: 1 },
      },
    ],
    output: { argmax: true },
  };
}

for (const c of CONFIGS) {
  const compiled = compileModel(convModel(c), { board: "zcu104" });
  const e = compiled.emitted;
  const t0 = performance.now();
  const { stat } = await runSynthStat(
    { files: e.files, verilogFiles: e.verilogFiles, top: e.topName },
    { family: "xcup" },
  );
  const cells = classifyCells(hierarchicalCells(stat, e.topName));
  const est = compiled.report.estimate;
  console.log(
    JSON.stringify({
      name: c.name,
      estimate: { lut: est.lut, ff: est.ff, bram18: est.bram18, dsp: est.dsp, lutram: est.lutram },
      yosys: {
        lut: cells.lut,
        ff: cells.ff,
        bram18: cells.bram18 + 2 * cells.bram36,
        dsp: cells.dsp,
        lutram: cells.lutram,
      },
      seconds: Math.round((performance.now() - t0) / 1000),
    }),
  );
}
