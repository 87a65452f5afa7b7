// `loom inspect` as a user runs it: per-layer facts and qonnx-style totals checked against
// arithmetic done here on the model file itself, on a shipped model and a committed ONNX file.
import { readFileSync } from "node:fs";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { loadModelSource } from "../../src/compiler/model-source.js";
import { inspectModel } from "../../src/fold/inference-cost.js";

const loom = (args: string[]) => execa("node", ["bin/loom.js", ...args], { reject: false });

interface RawLayer {
  inFeatures: number;
  outFeatures: number;
  weightDatatype: string;
  weights: number[][];
  activation: { kind: string; thresholds?: number[][] };
}

/** Bits of a datatype name as qonnx counts them. */
const bits = (name: string) =>
  name === "BIPOLAR" || name === "BINARY" ? 1 : Number(name.replace(/^U?INT/, ""));

describe("loom inspect", () => {
  it("reports the shipped W8A8 model's MACs, weight bits and qonnx totals from its own weights", async () => {
    const path = "models/pneumonia-w8a8.json";
    const raw = JSON.parse(readFileSync(path, "utf8")) as { layers: RawLayer[] };
    const r = await loom(["inspect", path, "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const cost = JSON.parse(r.stdout);
    const model = loadModelSource(path).model;
    expect(cost).toEqual(inspectModel(model));
    expect(cost.layers).toHaveLength(raw.layers.length);
    const macs = raw.layers.map((l) => l.inFeatures * l.outFeatures);
    expect(cost.layers.map((l: { macs: number }) => l.macs)).toEqual(macs);
    expect(cost.layers.map((l: { weightBits: number }) => l.weightBits)).toEqual(
      raw.layers.map((l, i) => macs[i]! * bits(l.weightDatatype)),
    );
    // Every weight is counted once: rows × columns equals MW × MH.
    raw.layers.forEach((l, i) => expect(l.weights.flat().length).toBe(macs[i]));
    const nonzero = raw.layers.reduce((s, l) => s + l.weights.flat().filter((w) => w !== 0).length, 0);
    const t = cost.totalCost;
    expect(t.discount_sparsity).toBe(true);
    expect(t.total_macs).toBe(nonzero);
    expect(t.op_mac_UINT8_INT8).toBe(nonzero);
    expect(t.total_bops).toBe(8 * 8 * nonzero);
    expect(t.total_mem_w_bits).toBe(8 * nonzero);
    expect(t.total_mem_o_elems).toBe(raw.layers.reduce((s, l) => s + l.outFeatures, 0));
    // The first two layers requantize to UINT8 (255 thresholds per channel); the last is raw.
    expect(cost.layers.map((l: { thresholdsPerChannel: number }) => l.thresholdsPerChannel)).toEqual([
      255, 255, 0,
    ]);
    // The accumulator holds the largest reachable |dot product|: ≥ log2 of 255 · Σ|w| of some row.
    for (const [i, l] of raw.layers.entries()) {
      const worstRow = Math.max(...l.weights.map((row) => row.reduce((s, w) => s + Math.abs(w), 0)));
      expect(cost.layers[i].accumulatorBits).toBeGreaterThanOrEqual(Math.ceil(Math.log2(255 * worstRow + 1)));
    }

    const dense = inspectModel(model, { discountSparsity: false });
    expect(dense.totalCost.total_macs).toBe(macs.reduce((a, b) => a + b, 0));
    expect(dense.totalCost.total_mem_w_bits).toBe(
      raw.layers.reduce((s, l, i) => s + macs[i]! * bits(l.weightDatatype), 0),
    );
  });

  it("inspects a committed FINN ONNX export and prints an aligned table", async () => {
    const r = await loom(["inspect", "test/fixtures/onnx/finn_tfc_w2a2_debug.onnx"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    const header = lines.find((l) => l.startsWith("layer"))!;
    const rows = lines.filter((l) => /^MatMul_\d/.test(l));
    // TFC: 784 → 64 → 64 → 64 → 10, W2A2.
    expect(rows.map((l) => l.split(/\s+/).slice(1, 3))).toEqual([
      ["784", "64"],
      ["64", "64"],
      ["64", "64"],
      ["64", "10"],
    ]);
    // Aligned: the MACs column ends at the same place on every row.
    const end = header.indexOf("MACs") + "MACs".length;
    for (const row of rows) expect(row[end - 1]).toMatch(/\d/);
    expect(r.stdout).toMatch(/op_mac_INT2_INT2\s+[\d,]+/);

    const onnx = loadModelSource("test/fixtures/onnx/finn_tfc_w2a2_debug.onnx").model;
    const json = inspectModel(onnx, { discountSparsity: false });
    expect(json.totalCost.total_macs).toBe(784 * 64 + 64 * 64 * 2 + 64 * 10);
    expect(json.totalCost.total_bops).toBe(2 * 2 * (json.totalCost.total_macs as number));
  });

  it("fails with one line for a missing or malformed model", async () => {
    const runs = await Promise.all(
      ["does/not/exist.json", "package.json"].map((bad) => loom(["inspect", bad])),
    );
    for (const r of runs) {
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^loom: /);
    }
  });
});
