// The folding solver trusts `estimateLayer`; this keeps it conservative against real synthesis.
// test/fixtures/yosys-calibration.json holds Yosys synth_xilinx counts of MVAU layers, written
// by `npx tsx bench/calibrate-estimate.ts --write …` (Yosys itself is too slow for the suite).
// Every estimate must be at or above what Yosys measured, resource by resource.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type CalibrationRow, CONFIGS } from "../../bench/calibrate-estimate.js";
import { mlpModel } from "../../bench/mlp-model.js";
import { compileModel } from "../../src/compiler/generate.js";

const file = new URL("../fixtures/yosys-calibration.json", import.meta.url);
const rows: CalibrationRow[] = JSON.parse(readFileSync(file, "utf8")).rows;

function estimate(c: CalibrationRow["config"]) {
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
  return compileModel(model, { board: "zcu104" }).report.layers[0]!.estimate;
}

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
