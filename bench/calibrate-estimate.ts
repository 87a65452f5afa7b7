// Calibration of the analytic layer estimate (src/fold/estimate.ts) against Yosys synth_xilinx
// (UltraScale+) on a handful of MVAU configurations. Each layer is compiled inside a small
// network (so it is exactly the MVAU the compiler emits) and its MVAU module is synthesised on
// its own. Prints one JSON line per configuration, then a Markdown table.
// Run: npx tsx bench/calibrate-estimate.ts [--only INDEX,...] [--write FILE]
//      npx tsx bench/calibrate-estimate.ts --table FILE   (stored Yosys rows vs today's estimate)
// --write merges the measured rows (by configuration name) into FILE, normally
// test/fixtures/yosys-calibration.json, which test/fold/estimate-calibration.test.ts checks the
// estimate against: re-run it after changing the MVAU or the estimate.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { compileModel } from "../src/compiler/generate.js";
import { layerModule, lutsOccupied } from "../src/synth/accelerator.js";
import { hierarchicalCells } from "../src/synth/stat.js";
import { classifyCells, runSynthStat } from "../src/synth/yosys.js";
import { mlpModel } from "./mlp-model.js";

export interface CalibrationConfig {
  name: string;
  mw: number;
  mh: number;
  pe: number;
  simd: number;
  input: string;
  weights: string;
  activations: string;
  /** Packed products as inferred multiplications (`--no-dsp-primitive`) instead of DSP48E2s. */
  dspPrimitive?: boolean;
}

export const CONFIGS: CalibrationConfig[] = [
  {
    name: "w1a1 64×64 PE8 SIMD8 (XNOR)",
    mw: 64,
    mh: 64,
    pe: 8,
    simd: 8,
    input: "BIPOLAR",
    weights: "BIPOLAR",
    activations: "BIPOLAR",
  },
  {
    name: "w2a2 64×64 PE8 SIMD8",
    mw: 64,
    mh: 64,
    pe: 8,
    simd: 8,
    input: "UINT2",
    weights: "INT2",
    activations: "UINT2",
  },
  {
    name: "w4a4 128×64 PE4 SIMD16",
    mw: 128,
    mh: 64,
    pe: 4,
    simd: 16,
    input: "UINT4",
    weights: "INT4",
    activations: "UINT4",
  },
  {
    name: "w2a2 784×64 PE16 SIMD49 (TFC fc0)",
    mw: 784,
    mh: 64,
    pe: 16,
    simd: 49,
    input: "UINT2",
    weights: "INT2",
    activations: "UINT2",
  },
  {
    name: "w8a8 256×64 PE8 SIMD16",
    mw: 256,
    mh: 64,
    pe: 8,
    simd: 16,
    input: "UINT8",
    weights: "INT8",
    activations: "UINT4",
  },
  {
    name: "w8a8 1024×256 PE4 SIMD16 (block RAM)",
    mw: 1024,
    mh: 256,
    pe: 4,
    simd: 16,
    input: "UINT8",
    weights: "INT8",
    activations: "UINT8",
  },
  {
    name: "w8a8 256×128 PE2 SIMD64 (pneumonia fc1)",
    mw: 256,
    mh: 128,
    pe: 2,
    simd: 64,
    input: "UINT8",
    weights: "INT8",
    activations: "UINT8",
  },
  {
    name: "w4a4 64×32 PE4 SIMD8 (FINN MVU block)",
    mw: 64,
    mh: 32,
    pe: 4,
    simd: 8,
    input: "UINT4",
    weights: "INT4",
    activations: "UINT4",
  },
  {
    name: "w1a1 256×256 PE16 SIMD32 (XNOR)",
    mw: 256,
    mh: 256,
    pe: 16,
    simd: 32,
    input: "BIPOLAR",
    weights: "BIPOLAR",
    activations: "BIPOLAR",
  },
  {
    name: "w2a2 1024×256 PE4 SIMD256 (pneumonia-w2a2 fc0)",
    mw: 1024,
    mh: 256,
    pe: 4,
    simd: 256,
    input: "UINT8",
    weights: "INT2",
    activations: "UINT2",
  },
];

export interface CalibrationRow {
  config: CalibrationConfig;
  estimate: { lut: number; ff: number; bram18: number; dsp: number; lutram: number };
  yosys: {
    lut: number;
    lutOccupied: number;
    ff: number;
    bram18: number;
    dsp: number;
    lutram: number;
    srl: number;
  };
  seconds: number;
}

/** fc0 of a two-layer network with `c`'s layer, compiled exactly as `loom gen` would. */
export function compileConfig(c: CalibrationConfig, board = "zcu104") {
  const model = mlpModel({
    name: "cal",
    sizes: [c.mw, c.mh, 2],
    input: c.input,
    weights: c.weights,
    activations: c.activations,
    folding: [
      { pe: c.pe, simd: c.simd },
      { pe: 1, simd: 1 },
    ],
  });
  return compileModel(model, { board, dspPrimitive: c.dspPrimitive });
}

export async function calibrate(c: CalibrationConfig): Promise<CalibrationRow> {
  const compiled = compileConfig(c);
  const emitted = compiled.emitted;
  const module = layerModule(
    emitted.verilogFiles.map((f) => f.replace(/\.v$/, "")),
    "fc0",
  );
  if (!module) throw new Error(`no fc0 module in ${emitted.verilogFiles.join(", ")}`);
  const t0 = performance.now();
  const { stat } = await runSynthStat(
    { files: emitted.files, verilogFiles: emitted.verilogFiles, top: module },
    { family: "xcup" },
  );
  const cells = classifyCells(hierarchicalCells(stat, module));
  const e = compiled.report.layers[0]!.estimate;
  return {
    config: c,
    estimate: { lut: e.lut, ff: e.ff, bram18: e.bram18, dsp: e.dsp, lutram: e.lutram },
    yosys: {
      lut: cells.lut,
      lutOccupied: lutsOccupied(cells),
      ff: cells.ff,
      bram18: cells.bram18 + 2 * cells.bram36,
      dsp: cells.dsp,
      lutram: cells.lutram,
      srl: cells.srl,
    },
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Replaces or appends rows (matched by configuration name) in a calibration file. */
function mergeRows(file: string, rows: readonly CalibrationRow[]): void {
  const old: CalibrationRow[] = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).rows : [];
  const byName = new Map(old.map((r) => [r.config.name, r]));
  for (const r of rows) byName.set(r.config.name, r);
  const ordered = [...byName.values()].sort(
    (a, b) =>
      CONFIGS.findIndex((c) => c.name === a.config.name) - CONFIGS.findIndex((c) => c.name === b.config.name),
  );
  const doc = {
    tool: "Yosys 0.55 (@yowasp/yosys) synth_xilinx -family xcup, hierarchy kept, fc0's MVAU module alone",
    command: "npx tsx bench/calibrate-estimate.ts --write test/fixtures/yosys-calibration.json",
    rows: ordered,
  };
  writeFileSync(file, `${JSON.stringify(doc, null, 1)}\n`);
}

const ratio = (e: number, y: number) =>
  y === 0 ? (e === 0 ? "=" : "∞") : `${((100 * (e - y)) / y).toFixed(0)}%`;

export function calibrationTable(rows: readonly CalibrationRow[]): string {
  const lines = rows.map(
    (r) =>
      `| ${r.config.name} | ${r.estimate.lut} / ${r.yosys.lutOccupied} (${ratio(r.estimate.lut, r.yosys.lutOccupied)}) | ${r.estimate.ff} / ${r.yosys.ff} (${ratio(r.estimate.ff, r.yosys.ff)}) | ${r.estimate.bram18} / ${r.yosys.bram18} | ${r.estimate.dsp} / ${r.yosys.dsp} | ${r.seconds.toFixed(0)} s |`,
  );
  return `| configuration | LUT est. / Yosys (error) | FF est. / Yosys (error) | BRAM18 est. / Yosys | DSP est. / Yosys | synth time |
|---|---|---|---|---|---|
${lines.join("\n")}`;
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv.includes("--table")) {
  // The stored measurements against the current estimate (no synthesis).
  const file = process.argv[process.argv.indexOf("--table") + 1]!;
  const stored: CalibrationRow[] = JSON.parse(readFileSync(file, "utf8")).rows;
  const rows = stored.map((r) => {
    const e = compileConfig(r.config).report.layers[0]!.estimate;
    return { ...r, estimate: { lut: e.lut, ff: e.ff, bram18: e.bram18, dsp: e.dsp, lutram: e.lutram } };
  });
  process.stdout.write(`${calibrationTable(rows)}\n`);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf("--only");
  const only = i >= 0 ? process.argv[i + 1]!.split(",").map(Number) : CONFIGS.map((_, k) => k);
  const w = process.argv.indexOf("--write");
  const file = w >= 0 ? process.argv[w + 1]! : undefined;
  const rows: CalibrationRow[] = [];
  for (const k of only) {
    const c = CONFIGS[k]!;
    process.stderr.write(`synthesising ${c.name}…\n`);
    const r = await calibrate(c);
    rows.push(r);
    process.stdout.write(`${JSON.stringify(r)}\n`);
    if (file) mergeRows(file, [r]);
  }
  process.stdout.write(`\n${calibrationTable(rows)}\n`);
}
