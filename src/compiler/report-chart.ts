// report.svg: the picture of report.json — cycles per layer against the initiation interval, and
// each resource per layer (estimate, and Yosys's count once `loom synth` has run) against the
// board. `loom gen` writes it; `loom synth` rewrites it when it adds its section.
import { getBoard } from "../fold/boards.js";
import type { ResourceEstimate } from "../fold/estimate.js";
import { type Chart, type ChartRow, chartSvg, type ResourcePanel } from "./chart-svg.js";
import type { AcceleratorReport } from "./report.js";

export const REPORT_SVG = "report.svg";

export type Resource = "lut" | "ff" | "bram" | "uram" | "dsp";
export type Counts = Record<Resource, number>;

/**
 * What `loom synth` measured, already counted per resource (src/synth/report-svg.ts converts
 * Yosys's cells): per layer on Xilinx, and the design's total.
 */
export interface MeasuredCounts {
  by: string;
  layers?: ReadonlyMap<string, Counts>;
  /** Everything outside the layers (FIFOs, converters, arg-max). */
  other?: Counts;
  total: Counts;
}

/**
 * The chart of a report. On iCE40 boards block RAM is counted in EBRs (the estimate's bram18
 * there), elsewhere in BRAM36.
 */
export function reportChart(r: AcceleratorReport, measured?: MeasuredCounts): Chart {
  const ice40 = isIce40(r.board.name);
  const est = (e: ResourceEstimate): Counts => ({
    lut: e.lut,
    ff: e.ff,
    bram: ice40 ? e.bram18 : e.bram36,
    uram: e.uram,
    dsp: e.dsp,
  });
  const rows: Array<{ label: string; estimate?: Counts; measured?: Counts }> = [
    ...r.layers.map((l) => ({
      label: l.name,
      estimate: est(l.estimate),
      measured: measured?.layers?.get(l.name),
    })),
    ...(measured?.other ? [{ label: "FIFOs, converters, arg-max", measured: measured.other }] : []),
    { label: "total", estimate: est(r.estimate), measured: measured?.total },
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
    measuredBy: measured?.by,
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

export function reportSvg(r: AcceleratorReport, measured?: MeasuredCounts): string {
  return chartSvg(reportChart(r, measured));
}
