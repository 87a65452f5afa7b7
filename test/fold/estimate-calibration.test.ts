// The folding solver trusts `estimateLayer`; this keeps it conservative against real synthesis.
// test/fixtures/yosys-calibration.json holds Yosys synth_xilinx counts of MVAU layers, written
// by `npx tsx bench/calibrate-estimate.ts --write …` (Yosys itself is too slow for the suite).
// Every estimate must be at or above what Yosys measured, resource by resource.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type CalibrationRow, CONFIGS, compileConfig } from "../../bench/calibrate-estimate.js";

const file = new URL("../fixtures/yosys-calibration.json", import.meta.url);
const rows: CalibrationRow[] = JSON.parse(readFileSync(file, "utf8")).rows;

const estimate = (c: CalibrationRow["config"]) => compileConfig(c).report.layers[0]!.estimate;

describe("resource estimate against Yosys", () => {
  it("covers every configuration of the calibration script", () => {
    expect(rows.map((r) => r.config.name).sort()).toEqual(CONFIGS.map((c) => c.name).sort());
  });

  for (const row of rows) {
    it(`is at or above Yosys for ${row.config.name}`, () => {
      const e = estimate(row.config);
      const y = row.yosys;
      expect(e.lut, "LUT (logic + LUT RAM + SRL)").toBeGreaterThanOrEqual(y.lutOccupied);
      expect(e.ff, "FF").toBeGreaterThanOrEqual(y.ff);
      expect(e.bram18, "BRAM18").toBeGreaterThanOrEqual(y.bram18);
      expect(e.dsp, "DSP").toBeGreaterThanOrEqual(y.dsp);
    });
  }
});
