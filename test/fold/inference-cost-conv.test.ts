// Inference cost of conv layers in qonnx's terms (qonnx/analysis/inference_cost.py, Conv:
// MACs = OC · C · KH · KW · OH · OW, weights = OC · C · KH · KW, outputs = the Conv node's
// OH · OW · OC before any MaxPool, which qonnx counts as free), checked against arithmetic on
// the hand-made fixture, and the `loom inspect` table's feature-map column.
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { inspectModel } from "../../src/fold/inference-cost.js";
import { loadModel } from "../../src/model/model-load.js";

const path = new URL("../fixtures/models/tiny-conv.json", import.meta.url).pathname;

describe("inference cost of conv layers", () => {
  it("counts MACs over the output pixels before pooling, and outputs as qonnx does", () => {
    const model = loadModel(path);
    const cost = inspectModel(model, { discountSparsity: false });
    // c0: 6x5x2, 3x3, padding 1 → 6x5x4, pooled to 3x2x4; c1: 3x2x4, 2x2 → 2x1x3; fc 6 → 2.
    expect(cost.layers.map((l) => l.macs)).toEqual([4 * 2 * 9 * (6 * 5), 3 * 4 * 4 * (2 * 1), 6 * 2]);
    expect(cost.layers.map((l) => l.vectors)).toEqual([30, 2, 1]);
    expect(cost.layers.map((l) => l.outputs)).toEqual([3 * 2 * 4, 2 * 1 * 3, 2]);
    expect(cost.layers.map((l) => l.weightBits)).toEqual([4 * 18 * 2, 3 * 16 * 2, 12 * 2]);
    expect(cost.layers[0]!.conv).toEqual({
      kernel: [3, 3],
      stride: [1, 1],
      padding: [1, 1, 1, 1],
      convShape: [6, 5, 4],
      pool: { kernel: [2, 2], stride: [2, 2] },
    });
    const t = cost.totalCost;
    expect(t.total_macs).toBe(2160 + 96 + 12);
    expect(t.op_mac_UINT4_INT2).toBe(2160 + 12);
    expect(t.op_mac_UINT2_INT2).toBe(96);
    expect(t.mem_w_INT2).toBe(72 + 48 + 12);
    expect(t.total_mem_o_elems).toBe(6 * 5 * 4 + 2 * 1 * 3 + 2);
    expect(t.mem_o_INT32).toBe(128);
    expect(t.total_bops).toBe(4 * 2 * (2160 + 12) + 2 * 2 * 96);

    // Sparsity discount: nonzero weights, each counted once per output pixel.
    const sparse = inspectModel(model).totalCost;
    const nonzero = model.layers.map((l) => l.weights.flat().filter((w) => w !== 0).length);
    expect(sparse.total_macs).toBe(nonzero[0]! * 30 + nonzero[1]! * 2 + nonzero[2]!);
    expect(sparse.total_mem_w_elems).toBe(nonzero[0]! + nonzero[1]! + nonzero[2]!);
  });

  it("prints each conv layer's feature maps in `loom inspect`", async () => {
    const r = await execa("node", ["bin/loom.js", "inspect", path], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const line = (name: string) => r.stdout.split("\n").find((l) => l.startsWith(`${name} `))!;
    expect(line("c0")).toMatch(/6x5x2 → conv 3x3 s1x1 pad 1,1,1,1 → 6x5x4 → max-pool 2x2 s2x2 → 3x2x4$/);
    expect(line("c1")).toMatch(/3x2x4 → conv 2x2 s1x1 → 2x1x3$/);
    expect(line("fc")).toMatch(/flat 6 → 2$/);
    expect(r.stdout).toMatch(/total_macs\s+1,524/);
  });
});
