// The MVU blocks of bench/finn-blocks.ts (rows 6 and 7) with their packed products inferred
// (`DSP48E2_INFERRED`) or in instantiated DSP48E2s (the default on UltraScale+), and with the
// adder tree's intermediate register stage kept or dropped (`treeLevelsPerStage`), synthesised
// with `synth_xilinx -family xcup -flatten`: LUT / FF / DSP, logic depth, and the registers
// Yosys left inside the DSP48E2 cells (read from the netlist's cell parameters).
// Run: npx tsx bench/dsp48-primitive.ts [--only 0,1,...]   (the variants below, in order)

import { DSP48E2_INFERRED } from "../src/lib/mvau/dsp-packing.js";
import type { MvauParams } from "../src/lib/mvau/index.js";
import { emitVerilog } from "../src/rtl/emit.js";
import { lutsOccupied } from "../src/synth/accelerator.js";
import { hierarchicalCells } from "../src/synth/stat.js";
import { classifyCells, runSynthStat } from "../src/synth/yosys.js";
import { mvau } from "./finn-blocks.js";

interface Variant {
  name: string;
  block: "8-bit" | "4-bit";
  options: Partial<MvauParams>;
}

// The rows' parameters, as in finn-blocks.ts: 256×64 PE 8 SIMD 16 8-bit, 64×32 PE 4 SIMD 8 4-bit.
const build = (v: Variant) =>
  v.block === "8-bit"
    ? mvau(256, 64, 8, 16, 8, 4, 6, undefined, v.options)
    : mvau(64, 32, 4, 8, 4, 4, 5, undefined, v.options);

// SIMD 16 has 4 tree levels (registered after 2 and 4 by default), SIMD 8 has 3 (after 2 and 3).
const VARIANTS: Variant[] = [
  { name: "8-bit, DSP48E2 instantiated", block: "8-bit", options: {} },
  {
    name: "8-bit, DSP48E2 instantiated, no intermediate tree stage",
    block: "8-bit",
    options: { treeLevelsPerStage: 4 },
  },
  { name: "4-bit, DSP48E2 instantiated", block: "4-bit", options: {} },
  {
    name: "4-bit, DSP48E2 instantiated, no intermediate tree stage",
    block: "4-bit",
    options: { treeLevelsPerStage: 3 },
  },
  { name: "8-bit, inferred", block: "8-bit", options: { dspPorts: DSP48E2_INFERRED } },
  { name: "4-bit, inferred", block: "4-bit", options: { dspPorts: DSP48E2_INFERRED } },
];

interface JsonNetlist {
  modules: Record<string, { cells?: Record<string, { type: string; parameters?: Record<string, string> }> }>;
}

/** DSP48E2 register settings in the netlist, counted by "AREG BREG ADREG MREG PREG" values. */
function dspRegisters(netlist: string): Record<string, number> {
  const settings: Record<string, number> = {};
  const value = (v: string | undefined) => (v === undefined ? "default" : `${Number.parseInt(v, 2)}`);
  for (const m of Object.values((JSON.parse(netlist) as JsonNetlist).modules))
    for (const cell of Object.values(m.cells ?? {})) {
      if (cell.type !== "DSP48E2") continue;
      const p = cell.parameters ?? {};
      const key = ["AREG", "BREG", "ADREG", "MREG", "PREG"].map((r) => `${r}=${value(p[r])}`).join(" ");
      settings[key] = (settings[key] ?? 0) + 1;
    }
  return settings;
}

const arg = (flag: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const only = arg("--only")?.split(",").map(Number) ?? VARIANTS.map((_, k) => k);
for (const k of only) {
  const v = VARIANTS[k]!;
  process.stderr.write(`synthesising ${v.name}…\n`);
  const e = emitVerilog(build(v));
  const t0 = performance.now();
  const { stat, depths, netlist } = await runSynthStat(
    { files: e.files, verilogFiles: e.verilogFiles, top: e.topName },
    { family: "xcup", flatten: true, depth: true },
  );
  const c = classifyCells(hierarchicalCells(stat, e.topName));
  const depth = depths?.get(e.topName);
  const row = {
    name: v.name,
    lut: lutsOccupied(c),
    ff: c.ff,
    dsp: c.dsp,
    bram18: c.bram18 + 2 * c.bram36,
    lutLevels: depth?.lutLevels,
    carryCells: depth?.carryCells,
    dspRegisters: netlist ? dspRegisters(netlist) : undefined,
    seconds: Math.round((performance.now() - t0) / 1000),
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}
