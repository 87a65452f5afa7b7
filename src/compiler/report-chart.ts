// report.svg: the picture of report.json — cycles per layer against the initiation interval, and
// each resource per layer (estimate, and Yosys's count once `loom synth` has run) against the
// board. `loom gen` writes it; `loom synth` rewrites it when it adds its section.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getBoard } from "../fold/boards.js";
import type { ResourceEstimate } from "../fold/estimate.js";
import { lutsOccupied } from "../synth/accelerator.js";
import type { CellCounts } from "../synth/yosys.js";
import { type Chart, type ChartRow, chartSvg, type ResourcePanel } from "./chart-svg.js";
import type { AcceleratorReport } from "./report.js";

export const REPORT_SVG = "report.svg";

/** report.json after `loom synth`: the gen report plus the `synth` (Xilinx) or `ice40` section. */
export type SynthesisedReport = AcceleratorReport & {
  synth?: { layers: Array<{ name: string; cells: CellCounts }>; other: CellCounts; total: CellCounts };
  ice40?: { cells: Record<string, number> };
};

type Resource = "lut" | "ff" | "bram" | "uram" | "dsp";
type Counts = Record<Resource, number>;

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

/**
 * The chart of a report. On iCE40 boards block RAM is counted in EBRs (the estimate's bram18
 * there), elsewhere in BRAM36.
 */
export function reportChart(r: SynthesisedReport): Chart {
  const ice40 = isIce40(r.board.name);
  const est = (e: ResourceEstimate): Counts => ({
    lut: e.lut,
    ff: e.ff,
    bram: ice40 ? e.bram18 : e.bram36,
    uram: e.uram,
    dsp: e.dsp,
  });
  const synthLayers = new Map(r.synth?.layers.map((l) => [l.name, xilinxCounts(l.cells)]));
  const rows: Array<{ label: string; estimate?: Counts; measured?: Counts }> = [
    ...r.layers.map((l) => ({ label: l.name, estimate: est(l.estimate), measured: synthLayers.get(l.name) })),
    ...(r.synth ? [{ label: "FIFOs, converters, arg-max", measured: xilinxCounts(r.synth.other) }] : []),
    {
      label: "total",
      estimate: est(r.estimate),
      measured: r.synth ? xilinxCounts(r.synth.total) : r.ice40 ? ice40Counts(r.ice40.cells) : undefined,
    },
  ];
  const cap = r.capacity;
  const resources: Array<[Resource, string, number]> = [
    ["lut", ice40 ? "LUT4" : "LUT", cap.lut],
    ["ff", "FF", cap.ff],
    ["bram", ice40 ? "EBR (4 Kib block RAM)" : "BRAM36", ice40 ? cap.bram36 * 2 : cap.bram36],
    ["uram", "URAM", cap.uram],
    ["dsp", ice40 ? "DSP (SB_MAC16)" : "DSP", cap.dsp],
  ];
  const panels: ResourcePanel[] = resources
    .filter(([key, , capacity]) => capacity > 0 || rows.some((row) => (row.estimate?.[key] ?? 0) > 0))
    .map(([key, resource, capacity]) => ({
      resource,
      capacity,
      rows: rows.map(
        (row): ChartRow => ({
          label: row.label,
          estimate: row.estimate?.[key],
          measured: row.measured?.[key],
        }),
      ),
    }));
  return {
    title: `${r.top}: ${r.model} on ${r.board.name} (${r.board.part})`,
    cycles: r.layers.map((l) => ({ label: l.name, cycles: l.cyclesPerInference })),
    ii: r.initiationInterval,
    measuredBy: r.synth ? "Yosys synth_xilinx" : r.ice40 ? "Yosys synth_ice40 (whole design)" : undefined,
    panels,
  };
}

function isIce40(boardName: string): boolean {
  try {
    return getBoard(boardName).ice40 !== undefined;
  } catch {
    return false;
  }
}

/** Rewrites DIR/report.svg from DIR/report.json (after `loom synth` added its section). */
export function rewriteReportSvg(dir: string): void {
  const path = join(dir, "report.json");
  if (!existsSync(path)) return;
  const report = JSON.parse(readFileSync(path, "utf8")) as SynthesisedReport;
  if (!Array.isArray(report.layers)) return;
  writeFileSync(join(dir, REPORT_SVG), chartSvg(reportChart(report)));
}

export function reportSvg(r: SynthesisedReport): string {
  return chartSvg(reportChart(r));
}
