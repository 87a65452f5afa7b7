// The folding search fills an iCE40 to the last EBR, so its estimate must not be optimistic there.
// test/fixtures/yosys-ice40-calibration.json holds Yosys synth_ice40 counts of MVAU layers
// (`npx tsx bench/calibrate-ice40.ts --write …`; Yosys is too slow for the suite): every layer's
// estimate for the iCEBreaker must be at or above them, resource by resource, and count exactly
// the EBRs (its block RAM is the resource the search binds on).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileSource, type Ice40Row } from "../../bench/calibrate-ice40.js";

const file = new URL("../fixtures/yosys-ice40-calibration.json", import.meta.url);
const rows: Ice40Row[] = JSON.parse(readFileSync(file, "utf8")).rows;

const compiled = new Map<string, ReturnType<typeof compileSource>>();
function estimate(r: Ice40Row) {
  const key = JSON.stringify(r.source);
  if (!compiled.has(key)) compiled.set(key, compileSource(r.source));
  const layer = compiled.get(key)!.report.layers.find((l) => l.name === r.layer)!;
  expect([layer.pe, layer.simd]).toEqual([r.pe, r.simd]);
  return layer.estimate;
}

describe("resource estimate against Yosys synth_ice40", () => {
  for (const r of rows) {
    const source = "config" in r.source ? r.source.config.name : `${r.source.model} at ${r.pe}/${r.simd}`;
    it(`is at or above Yosys for ${r.layer} of ${source}`, () => {
      const e = estimate(r);
      expect(e.lut, "LUT4").toBeGreaterThanOrEqual(r.yosys.lut);
      expect(e.ff, "FF").toBeGreaterThanOrEqual(r.yosys.ff);
      expect(e.bram18, "EBR").toBe(r.yosys.ebr);
      expect(e.dsp, "SB_MAC16").toBeGreaterThanOrEqual(r.yosys.dsp);
    });
  }
});
