// The folding search fills an iCE40 to the last EBR, so its estimate must not be optimistic there.
// test/fixtures/yosys-ice40-calibration.json holds Yosys synth_ice40 counts of MVAU layers
// (`npx tsx bench/calibrate-ice40.ts --write …`; Yosys is too slow for the suite): every layer's
// estimate for the iCEBreaker must be at or above them, resource by resource, and count exactly
// the EBRs (its block RAM is the resource the search binds on).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileSource, DSP_CONFIGS, type Ice40Row } from "../../bench/calibrate-ice40.js";
import { parseDataType } from "../../src/core/datatypes.js";
import { estimateOptionsFor, getBoard } from "../../src/fold/boards.js";
import { usesDsp } from "../../src/fold/estimate.js";
import type { LayerShape } from "../../src/fold/layer-shape.js";
import { multiplyOperandBits } from "../../src/lib/mvau/dot-product.js";

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

// synth_ice40 -dsp (Yosys 0.55) on registered products written as the MVAU writes them (an
// unsigned input zero-extended to signed when the weight is signed): one SB_MAC16 per multiply
// when both operands as multiplied have at least 2 bits and the product at least 11, else logic
// (docs/resource-estimates.md, "iCE40").
const MEASURED_MAC16: Array<[input: string, weights: string, mac16: boolean]> = [
  ["UINT2", "INT8", true],
  ["INT2", "INT8", false],
  ["UINT3", "INT8", true],
  ["UINT4", "INT6", true],
  ["INT4", "INT6", false],
  ["UINT4", "INT4", false],
  ["UINT5", "INT5", true],
  ["INT5", "INT5", false],
  ["UINT2", "INT9", true],
];

describe("SB_MAC16 rule of the iCE40 estimate", () => {
  const options = estimateOptionsFor(getBoard("icebreaker"));
  for (const [input, weights, mac16] of MEASURED_MAC16) {
    it(`${input} × ${weights}: ${mac16 ? "one SB_MAC16" : "logic"}, as synth_ice40 maps it`, () => {
      const inDt = parseDataType(input);
      const wDt = parseDataType(weights);
      const shape = {
        inputBits: inDt.bits,
        weightBits: wDt.bits,
        multiplyBits: multiplyOperandBits(inDt, wDt),
        xnor: false,
      } as LayerShape;
      expect(usesDsp(shape, options)).toBe(mac16);
    });
  }

  it("takes the operand widths the generated product is built from", () => {
    const compiled = compileSource({ config: DSP_CONFIGS[1]! });
    const [a, w] = multiplyOperandBits(parseDataType("UINT2"), parseDataType("INT8"))!;
    const fc0 = [...compiled.emitted.files].find(([name]) => /^fc0_.*(?<!_weights_\d+)\.v$/.test(name))![1];
    expect(fc0).toMatch(new RegExp(`reg (signed )?\\[${a + w - 1}:0\\] product_0_0;`));
  });

  // The stored synth_ice40 rows of these layers (products kept apart by keepDspProducts): the
  // estimate counts exactly Yosys's SB_MAC16s.
  for (const config of DSP_CONFIGS) {
    it(`counts the SB_MAC16s Yosys maps for ${config.name}`, () => {
      const row = rows.find((r) => "config" in r.source && r.source.config.name === config.name)!;
      expect(estimate(row).dsp).toBe(row.yosys.dsp);
    });
  }
});
