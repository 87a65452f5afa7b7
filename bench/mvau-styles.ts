// Yosys (synth_xilinx, UltraScale+) resources of one fc0-like MVAU slice in every weight-memory
// style and both multiplier styles, beside the analytic estimate of the same choice. The slice
// keeps the depth of fc0's per-PE weight memory in the default zcu104 build of
// models/pneumonia-w8a8.json (256 words: NF = 8, SF = 32) at SIMD = 8 instead of 32 and PE = 2
// (256 words × 64 bits per PE), INT8 × INT8, 15 thresholds per channel, so each style
// synthesises in minutes in WebAssembly. Run: npx tsx bench/mvau-styles.ts [variant index]
import { elaborate } from "../src/dsl/index.js";
import { estimateLayer } from "../src/fold/estimate.js";
import type { LayerShape } from "../src/fold/layer-shape.js";
import { dspPacking } from "../src/lib/mvau/dsp-packing.js";
import { Mvau, type MvauParams, mvauShape } from "../src/lib/mvau/index.js";
import { emitVerilog } from "../src/rtl/emit.js";
import { lutsOccupied } from "../src/synth/accelerator.js";
import { formatCells, synthXilinx } from "../src/synth/yosys.js";
import { int8Layer } from "./mvau-config.js";

const base = int8Layer(256, 16, 8, 2);
const variants: Array<{ label: string; p: Partial<MvauParams> }> = [
  { label: "ROM, auto (block), DSP", p: {} },
  { label: "ROM, distributed, DSP", p: { weightMemory: "distributed" } },
  { label: "ROM, auto (block), LUT multipliers", p: { multipliers: "lut" } },
  { label: "runtime, block, DSP", p: { runtimeWeights: true, weightMemory: "block" } },
  { label: "runtime, distributed, DSP", p: { runtimeWeights: true, weightMemory: "distributed" } },
  { label: "runtime, ultra, DSP", p: { runtimeWeights: true, weightMemory: "ultra" } },
];
const only = process.argv[2];

/** The estimate's view of the same layer. */
function layerShape(p: MvauParams): LayerShape {
  const s = mvauShape(p);
  return {
    name: "fc0-slice",
    mw: p.mw,
    mh: p.mh,
    vectors: 1,
    simdSpan: p.mw,
    inputBits: p.inputType.bits,
    weightBits: p.weightType.bits,
    accBits: s.accType.bits,
    outBits: s.outElementBits,
    xnor: false,
    thresholdCount: 15,
    sharedThresholds: false,
    dspPacking: dspPacking(p.inputType, p.weightType),
  };
}

for (const [i, v] of variants.entries()) {
  if (only !== undefined && String(i) !== only) continue;
  const p = { ...base, ...v.p, name: `slice${i}` };
  const est = estimateLayer(
    layerShape(p),
    { pe: p.pe, simd: p.simd, weightMemory: p.weightMemory, multipliers: p.multipliers },
    { runtimeWeights: p.runtimeWeights },
  );
  const t0 = performance.now();
  const r = await synthXilinx(emitVerilog(elaborate(Mvau, p)));
  const s = ((performance.now() - t0) / 1000).toFixed(0);
  console.log(
    `| ${v.label} | ${formatCells(r.cells)} (${lutsOccupied(r.cells)} LUTs occupied) | est. LUT ${est.lut} FF ${est.ff} BRAM36 ${est.bram36} URAM ${est.uram} DSP ${est.dsp} | ${s} s |`,
  );
}
