// report.svg: well-formed XML, every layer named, bars as long as their numbers (cycles against
// the II, resources as a share of the board), Yosys's bars beside the estimate once a synthesis
// section is in report.json, and the same bytes on every run.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mlpModel } from "../../bench/mlp-model.js";
import { niceCeiling } from "../../src/compiler/chart-svg.js";
import { compileModel, writeOutputs } from "../../src/compiler/generate.js";
import { reportSvg } from "../../src/compiler/report-chart.js";
import { type SynthesisedReport, synthesisedReportSvg } from "../../src/synth/report-svg.js";
import { addReportSection } from "../../src/synth/section.js";
import { classifyCells } from "../../src/synth/yosys.js";
import { allElements, parseXml, type XmlElement } from "../support/xml.js";

function compiled(board: string) {
  const model = mlpModel({
    name: "chart & <net>",
    sizes: [16, 8, 8, 3],
    input: "UINT2",
    weights: "INT2",
    activations: "UINT2",
    folding: [
      { pe: 2, simd: 4 },
      { pe: 1, simd: 2 },
      { pe: 1, simd: 8 },
    ],
  });
  return compileModel(model, { board });
}

const bars = (svg: XmlElement, kind: string) =>
  allElements(svg).filter((e) => e.name === "rect" && e.attrs.class === `bar ${kind}`);
const num = (e: XmlElement, a: string) => Number(e.attrs[a]);

/** Bars of one panel are as long as their value over the axis end (the rectangles' widths share one scale). */
function expectProportional(list: XmlElement[], length: (value: number) => number) {
  const scale = num(list[0]!, "width") / length(num(list[0]!, "data-value"));
  for (const b of list) expect(num(b, "width")).toBeCloseTo(scale * length(num(b, "data-value")), 0);
}

describe("report.svg", () => {
  it("draws cycles against the II and each resource against the board, for every layer", () => {
    const c = compiled("pynq-z2");
    const r = c.report;
    const text = reportSvg(r);
    expect(reportSvg(r)).toBe(text); // deterministic
    const svg = parseXml(text);
    expect(svg.name).toBe("svg");
    expect(allElements(svg).some((e) => e.name === "text" && e.text.includes("chart & <net>"))).toBe(true);
    const labels = allElements(svg)
      .filter((e) => e.name === "text")
      .map((e) => e.text);
    for (const l of r.layers) expect(labels).toContain(l.name);

    const cycles = bars(svg, "cycles");
    expect(cycles.map((b) => [b.attrs["data-label"], num(b, "data-value")])).toEqual(
      r.layers.map((l) => [l.name, l.cyclesPerInference]),
    );
    expectProportional(cycles, (v) => v);
    // The II line sits at the II on the same scale, and the slowest layer's bar ends on it.
    const ii = allElements(svg).find((e) => e.name === "line" && e.attrs.class === "ii")!;
    expect(num(ii, "data-value")).toBe(r.initiationInterval);
    const slowest = cycles.find((b) => num(b, "data-value") === r.initiationInterval)!;
    expect(num(ii, "x1")).toBeCloseTo(num(slowest, "x") + num(slowest, "width"), 0);

    // One estimate bar per layer and the total in each panel (LUT, FF, BRAM36, DSP on a PYNQ-Z2:
    // no URAM), the board's capacity line at 100 %.
    const est = bars(svg, "estimate");
    const panels = ["lut", "ff", "bram36", "dsp"] as const;
    expect(est).toHaveLength(panels.length * (r.layers.length + 1));
    expect(bars(svg, "measured")).toHaveLength(0);
    panels.forEach((key, p) => {
      const panel = est.slice(p * (r.layers.length + 1), (p + 1) * (r.layers.length + 1));
      expect(panel.map((b) => num(b, "data-value"))).toEqual([
        ...r.layers.map((l) => l.estimate[key]),
        r.estimate[key],
      ]);
      const cap = r.capacity[key];
      const lines = allElements(svg).filter((e) => e.name === "line" && e.attrs.class === "capacity");
      const end = niceCeiling(Math.max(100, ...panel.map((b) => (100 * num(b, "data-value")) / cap)));
      // Width over the bar area's full width is the share of the board over the axis end.
      const full = (num(lines[p]!, "x1") - num(panel[0]!, "x")) * (end / 100);
      for (const b of panel)
        expect(num(b, "width")).toBeCloseTo((full * (100 * num(b, "data-value"))) / cap / end, 0);
    });
  });

  it("adds Yosys's bars beside the estimate when loom synth writes its section", () => {
    const c = compiled("icebreaker");
    const dir = writeOutputs(c, join(mkdtempSync(join(tmpdir(), "loom-chart-")), "out"));
    expect(readFileSync(join(dir, "report.md"), "utf8")).toContain("](report.svg)");
    const before = parseXml(readFileSync(join(dir, "report.svg"), "utf8"));
    expect(bars(before, "measured")).toHaveLength(0);
    // iCE40: block RAM in EBRs (the estimate's bram18 there), the whole design's cells measured.
    const cells = { SB_LUT4: 900, SB_DFF: 300, SB_DFFE: 200, SB_RAM40_4K: 3, SB_CARRY: 50 };
    addReportSection(dir, "ice40", { cells }, "## Place and route (x)\n", "\n## Place and route (");
    const after = parseXml(readFileSync(join(dir, "report.svg"), "utf8"));
    const measured = bars(after, "measured");
    expect(measured.map((b) => [b.attrs["data-label"], num(b, "data-value")])).toEqual([
      ["total", 900],
      ["total", 500],
      ["total", 3],
      ["total", 0],
    ]);
    const ebrTotal = bars(after, "estimate").filter((b) => b.attrs["data-label"] === "total")[2]!;
    expect(num(ebrTotal, "data-value")).toBe(c.report.estimate.bram18);
    expect(allElements(after).some((e) => e.name === "text" && e.text === "board: 30")).toBe(true);
  });

  it("draws Yosys's per-layer Xilinx counts, the rest and the total", () => {
    const c = compiled("pynq-z2");
    const cells = (lut: number) => classifyCells({ LUT4: lut, FDRE: 2 * lut, RAMB18E1: 1, RAM64M: 1 });
    const report: SynthesisedReport = {
      ...c.report,
      synth: {
        layers: c.report.layers.map((l, i) => ({ name: l.name, cells: cells(10 * (i + 1)) })),
        other: cells(5),
        total: cells(65),
      },
    };
    const svg = parseXml(synthesisedReportSvg(report));
    const measured = bars(svg, "measured");
    const rows = c.report.layers.length + 2;
    expect(measured).toHaveLength(4 * rows);
    // LUTs occupied: logic plus 4 per RAM64M, as loom synth counts them.
    expect(measured.slice(0, rows).map((b) => num(b, "data-value"))).toEqual([14, 24, 34, 9, 69]);
    expect(measured.slice(rows, 2 * rows).map((b) => num(b, "data-value"))).toEqual([20, 40, 60, 10, 130]);
    expect(measured.slice(2 * rows, 3 * rows).map((b) => num(b, "data-value"))).toEqual([
      0.5, 0.5, 0.5, 0.5, 0.5,
    ]);
    expectProportional(measured.slice(0, rows), (v) => v);
  });
});
