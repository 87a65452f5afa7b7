// Per-layer iCE40 resources beside the layer estimate the folding search uses: Yosys
// `synth_ice40 -dsp` with the hierarchy kept, each layer's MVAU module read on its own (as
// `loom synth` does for Xilinx). Calibrates the estimate's iCE40 terms
// (docs/resource-estimates.md, "iCE40"); test/fold/estimate-ice40.test.ts keeps the estimate at
// or above the stored rows.
// Run: npx tsx bench/calibrate-ice40.ts [--model M.onnx --folding F.json|JSON] [--configs 0,1]
//        [--write test/fixtures/yosys-ice40-calibration.json]
//      npx tsx bench/calibrate-ice40.ts --table test/fixtures/yosys-ice40-calibration.json
//        (the stored Yosys rows against today's estimate, no synthesis)
// --configs: fc0 of bench/calibrate-estimate.ts's CONFIGS; --dsp-configs: fc0 of DSP_CONFIGS
// below (small layers whose products go to SB_MAC16s); otherwise the model at the folding (the
// search's own without --folding).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { type Compiled, compileModel } from "../src/compiler/generate.js";
import { loadModelSource } from "../src/compiler/model-source.js";
import { layerModule } from "../src/synth/accelerator.js";
import { forIce40 } from "../src/synth/ice40.js";
import { hierarchicalCells, parseStat } from "../src/synth/stat.js";
import { outputText, runYosysScript, yosysFiles } from "../src/synth/yosys.js";
import { type CalibrationConfig, CONFIGS, compileConfig } from "./calibrate-estimate.js";

const BOARD = "icebreaker";

/**
 * Small layers for the SB_MAC16 count: 8-bit products summed by an adder tree of registered
 * products (the pattern Yosys 0.55's ice40_dsp miscompiled, `keepDspProducts`), and UINT2 × INT8,
 * whose 2 + 8 bits are 3 × 8 as multiplied (an 11-bit product: a DSP).
 */
export const DSP_CONFIGS: CalibrationConfig[] = [
  {
    name: "w8a8 16×8 PE2 SIMD2 (adder tree)",
    mw: 16,
    mh: 8,
    pe: 2,
    simd: 2,
    input: "UINT8",
    weights: "INT8",
    activations: "UINT2",
  },
  {
    name: "UINT2 × INT8 16×8 PE4 SIMD1",
    mw: 16,
    mh: 8,
    pe: 4,
    simd: 1,
    input: "UINT2",
    weights: "INT8",
    activations: "UINT2",
  },
];

/** What was synthesised: a calibration configuration's fc0, or a model at a folding. */
export type Ice40Source = { config: CalibrationConfig } | { model: string; folding?: string };

export interface Ice40Row {
  source: Ice40Source;
  layer: string;
  pe: number;
  simd: number;
  yosys: { lut: number; ff: number; carry: number; ebr: number; dsp: number };
}

export function compileSource(s: Ice40Source): Compiled {
  return "config" in s
    ? compileConfig(s.config, BOARD)
    : compileModel(loadModelSource(s.model).model, { board: BOARD, folding: s.folding });
}

const count = (cells: Record<string, number>, re: RegExp) =>
  Object.entries(cells).reduce((s, [t, n]) => s + (re.test(t) ? n : 0), 0);
const summary = (cells: Record<string, number>) => ({
  lut: count(cells, /^SB_LUT4$/),
  ff: count(cells, /^SB_DFF/),
  carry: count(cells, /^SB_CARRY$/),
  ebr: count(cells, /^SB_RAM40_4K/),
  dsp: count(cells, /^SB_MAC16$/),
});

/** synth_ice40 of the source's design (fc0 alone for a configuration) and its layers' cells. */
async function measure(source: Ice40Source): Promise<Ice40Row[]> {
  const compiled = compileSource(source);
  const modules = compiled.emitted.verilogFiles.map((f) => f.replace(/\.v$/, ""));
  const top = "config" in source ? layerModule(modules, "fc0")! : compiled.emitted.topName;
  const layers = compiled.report.layers.filter((l) => !("config" in source) || l.name === "fc0");
  const { files, read } = yosysFiles(
    { files: compiled.emitted.files, verilogFiles: compiled.emitted.verilogFiles, top },
    forIce40,
  );
  const { out } = await runYosysScript(
    `${read}; synth_ice40 -dsp -noflatten -top ${top}; tee -q -o stat.json stat -json -top ${top}`,
    files,
    top,
  );
  const stat = parseStat(outputText(out, "stat.json") ?? "");
  return layers.map((l) => ({
    source,
    layer: l.name,
    pe: l.pe,
    simd: l.simd,
    yosys: summary(hierarchicalCells(stat, layerModule(stat.modules.keys(), l.name)!)),
  }));
}

const key = (r: Ice40Row) => JSON.stringify([r.source, r.layer]);

/** The stored rows against today's estimate, as a Markdown table. */
function table(rows: readonly Ice40Row[]): string {
  const compiled = new Map<string, Compiled>();
  const lines = rows.map((r) => {
    const k = JSON.stringify(r.source);
    if (!compiled.has(k)) compiled.set(k, compileSource(r.source));
    const e = compiled.get(k)!.report.layers.find((l) => l.name === r.layer)!.estimate;
    const name = "config" in r.source ? r.source.config.name : r.source.model;
    return `| ${name} ${r.layer} (${r.pe}/${r.simd}) | ${e.lut} / ${r.yosys.lut} | ${e.ff} / ${r.yosys.ff} | ${e.bram18} / ${r.yosys.ebr} | ${e.dsp} / ${r.yosys.dsp} |`;
  });
  return `| layer (PE/SIMD) | LUT4 est. / Yosys | FF est. / Yosys | EBR est. / Yosys | DSP est. / Yosys |\n|---|---|---|---|---|\n${lines.join("\n")}`;
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv.includes("--table")) {
  const file = process.argv[process.argv.indexOf("--table") + 1]!;
  process.stdout.write(`${table(JSON.parse(readFileSync(file, "utf8")).rows)}\n`);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const configs = arg("configs");
  const dspConfigs = arg("dsp-configs");
  const sources: Ice40Source[] =
    configs !== undefined
      ? configs.split(",").map((i) => ({ config: CONFIGS[Number(i)]! }))
      : dspConfigs !== undefined
        ? dspConfigs.split(",").map((i) => ({ config: DSP_CONFIGS[Number(i)]! }))
        : [{ model: arg("model") ?? "test/fixtures/onnx/finn_tfc_w2a2_debug.onnx", folding: arg("folding") }];
  const file = arg("write");
  for (const source of sources) {
    const rows = await measure(source);
    for (const r of rows) {
      const e = compileSource(r.source).report.layers.find((l) => l.name === r.layer)!.estimate;
      console.log(JSON.stringify({ ...r, estimate: { lut: e.lut, ff: e.ff, ebr: e.bram18, dsp: e.dsp } }));
    }
    if (file) {
      const old: Ice40Row[] = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).rows : [];
      const byKey = new Map(old.map((r) => [key(r), r]));
      for (const r of rows) byKey.set(key(r), r);
      const doc = {
        tool: "Yosys 0.55 (@yowasp/yosys) synth_ice40 -dsp -noflatten, iCEBreaker (UP5K), each layer's MVAU module",
        command: "npx tsx bench/calibrate-ice40.ts … --write test/fixtures/yosys-ice40-calibration.json",
        rows: [...byKey.values()],
      };
      writeFileSync(file, `${JSON.stringify(doc, null, 1)}\n`);
    }
  }
}
