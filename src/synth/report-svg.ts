// report.svg after `loom synth`: Yosys's cells counted per resource, beside the estimate
// (the chart itself is src/compiler/report-chart.ts, which knows nothing of Yosys).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AcceleratorReport } from "../compiler/report.js";
import { type Counts, type MeasuredCounts, REPORT_SVG, reportSvg } from "../compiler/report-chart.js";
import { lutsOccupied } from "./accelerator.js";
import type { CellCounts } from "./yosys.js";

/** report.json after `loom synth`: the gen report plus the `synth` (Xilinx) or `ice40` section. */
export type SynthesisedReport = AcceleratorReport & {
  synth?: { layers: Array<{ name: string; cells: CellCounts }>; other: CellCounts; total: CellCounts };
  ice40?: { cells: Record<string, number> };
};

/** LUTs as `loom synth` counts them: logic LUTs, LUT RAM (by primitive size) and SRLs. */
function xilinxCounts(c: CellCounts): Counts {
  return { lut: lutsOccupied(c), ff: c.ff, bram: c.bram36 + c.bram18 / 2, uram: c.uram, dsp: c.dsp };
}

function ice40Counts(cells: Record<string, number>): Counts {
  const sum = (re: RegExp) => Object.entries(cells).reduce((s, [t, n]) => s + (re.test(t) ? n : 0), 0);
  return {
    lut: sum(/^SB_LUT4$/),
    ff: sum(/^SB_DFF/),
    bram: sum(/^SB_RAM40_4K/),
    uram: 0,
    dsp: sum(/^SB_MAC16$/),
  };
}

/** What the report's synth or ice40 section measured, per resource (undefined before synthesis). */
export function measuredCounts(r: SynthesisedReport): MeasuredCounts | undefined {
  if (r.synth) {
    return {
      by: "Yosys synth_xilinx",
      layers: new Map(r.synth.layers.map((l) => [l.name, xilinxCounts(l.cells)])),
      other: xilinxCounts(r.synth.other),
      total: xilinxCounts(r.synth.total),
    };
  }
  if (r.ice40) return { by: "Yosys synth_ice40 (whole design)", total: ice40Counts(r.ice40.cells) };
  return undefined;
}

/** The picture of a report with its synthesis section. */
export function synthesisedReportSvg(r: SynthesisedReport): string {
  return reportSvg(r, measuredCounts(r));
}

/** Rewrites DIR/report.svg from DIR/report.json (after `loom synth` added its section). */
export function rewriteReportSvg(dir: string): void {
  const path = join(dir, "report.json");
  if (!existsSync(path)) return;
  const report = JSON.parse(readFileSync(path, "utf8")) as SynthesisedReport;
  if (!Array.isArray(report.layers)) return;
  writeFileSync(join(dir, REPORT_SVG), synthesisedReportSvg(report));
}
