// The `synth` section of report.json and report.md.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lutsOccupied, type SynthSection } from "./accelerator.js";
import { DEPTH_BUDGET_250MHZ, type ModuleDepth } from "./logic-depth.js";
import { rewriteReportSvg } from "./report-svg.js";
import type { CellCounts } from "./yosys.js";

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "n/a");
const depthText = (d?: ModuleDepth) => (d ? `${d.lutLevels} / ${d.carryCells}` : "–");
const row = (name: string, c: CellCounts, d?: ModuleDepth) =>
  `| ${name} | ${c.lut} | ${c.ff} | ${c.lutram} / ${c.srl} | ${c.bram18} / ${c.bram36} | ${c.uram} | ${c.dsp} | ${depthText(d)} |`;

export function synthMarkdown(s: SynthSection): string {
  const t = s.total;
  const bram36 = t.bram36 + t.bram18 / 2;
  const warnings =
    s.warnings.length > 0 ? `\n**Warnings**\n\n${s.warnings.map((w) => `- ${w}`).join("\n")}\n` : "";
  return `## Synthesis (${s.tool})

\`synth_xilinx -family ${s.family}\` for ${s.board.name} (${s.board.part}), top \`${s.top}\`, ${s.seconds.toFixed(0)} s.
Yosys's technology mapping, not Vivado's: expect Vivado to differ (it packs LUTs and optimises across
hierarchy); a memory that did not land in block RAM shows up here as LUT RAM.

| block | LUT | FF | LUTRAM / SRL | BRAM18 / BRAM36 | URAM | DSP | LUT levels / carry cells |
|---|---|---|---|---|---|---|---|
${s.layers.map((l) => row(`${l.name} (MVAU)`, l.cells, l.depth)).join("\n")}
${row("FIFOs, converters, arg-max", s.other)}
${row("**total**", t, s.depth)}

LUT levels / carry cells: the deepest register-to-register path of each block (ports and
submodule boundaries count as path ends), a timing proxy: docs/performance.md gives the depth
budget for 250 MHz on UltraScale+ (${DEPTH_BUDGET_250MHZ.lutLevels} LUT levels).

| resource | used | ${s.board.name} | utilisation |
|---|---|---|---|
| LUT (logic + LUT RAM + SRL) | ${lutsOccupied(t)} | ${s.capacity.lut} | ${pct(s.utilisation.lut)} |
| FF | ${t.ff} | ${s.capacity.ff} | ${pct(s.utilisation.ff)} |
| BRAM36 (BRAM18 = ½) | ${bram36} | ${s.capacity.bram36} | ${pct(s.utilisation.bram36)} |
| URAM | ${t.uram} | ${s.capacity.uram} | ${pct(s.utilisation.uram)} |
| DSP | ${t.dsp} | ${s.capacity.dsp} | ${pct(s.utilisation.dsp)} |

Weight memories: ${s.layers
    .map(
      (l) =>
        `${l.name} ${l.weights.blockRoms} block / ${l.weights.distributedRoms} distributed ROMs, ${l.weights.bram18Equivalent} BRAM18-eq. inferred`,
    )
    .join("; ")}. Fits: ${s.fits ? "yes" : "**no**"}.
${warnings}`;
}

/**
 * Adds (or replaces) a section of DIR/report.json (under `key`) and of DIR/report.md (from the
 * line starting with `heading` up to the next such section or the end).
 */
export function addReportSection(
  dir: string,
  key: string,
  json: unknown,
  markdown: string,
  heading: string,
): void {
  const jsonPath = join(dir, "report.json");
  const report = existsSync(jsonPath)
    ? (JSON.parse(readFileSync(jsonPath, "utf8")) as Record<string, unknown>)
    : {};
  report[key] = json;
  writeFileSync(
    jsonPath,
    `${JSON.stringify(report, (_, v) => (v === Number.POSITIVE_INFINITY ? null : v), 2)}\n`,
  );
  const mdPath = join(dir, "report.md");
  const md = existsSync(mdPath) ? readFileSync(mdPath, "utf8") : "";
  const cut = md.indexOf(heading);
  const head = cut >= 0 ? md.slice(0, cut + 1) : md.length > 0 ? `${md.trimEnd()}\n\n` : "";
  const next = cut >= 0 ? md.indexOf("\n## ", cut + heading.length) : -1;
  const tail = next >= 0 ? `\n${md.slice(next + 1)}` : "";
  writeFileSync(mdPath, `${head}${markdown}${tail}`);
  // The picture follows report.json: its Yosys bars come from the section just added.
  rewriteReportSvg(dir);
}

/** Adds (or replaces) the `synth` section of DIR/report.json and DIR/report.md. */
export function writeSynthSection(dir: string, s: SynthSection): void {
  addReportSection(dir, "synth", s, synthMarkdown(s), "\n## Synthesis (");
}
