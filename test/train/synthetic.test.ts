import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import type { Split } from "../../src/data/load.js";
import { runGolden } from "../../src/model/golden/index.js";
import { parseModel } from "../../src/model/model-load.js";
import { streamlineModel } from "../../src/streamline/streamline.js";
import { exportModel } from "../../src/train/export.js";
import { inferInteger } from "../../src/train/int-infer.js";
import { trainMlp } from "../../src/train/trainer.js";

const W = 8;

/** Class 1 has a bright blob in the top-left quadrant, class 0 in the bottom-right, over noise. */
function synthetic(n: number, seed: number): Split {
  const rng = new Rng(seed);
  const x = new Uint8Array(n * W * W);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    y[i] = label;
    const cx = label ? 1 + rng.int(2) : 5 + rng.int(2);
    const cy = label ? 1 + rng.int(2) : 5 + rng.int(2);
    for (let r = 0; r < W; r++)
      for (let c = 0; c < W; c++) {
        const blob = Math.abs(r - cy) <= 1 && Math.abs(c - cx) <= 1 ? 120 : 0;
        x[i * W * W + r * W + c] = Math.min(255, 40 + blob + rng.int(60));
      }
  }
  return { x, y, n, dim: W * W, names: Array.from({ length: n }, (_, i) => `img${i}.png`) };
}

const train = synthetic(400, 1);
const val = synthetic(200, 2);

function trainSynthetic(wbits: number, abits: number, seed = 3) {
  return trainMlp(train, val, W, W, 2, {
    hidden: [16, 8],
    wbits,
    abits,
    epochs: 12,
    seed,
    batch: 32,
    lr: 0.01,
    augment: { shift: 1, contrast: 0.1, brightness: 0.02 },
  });
}

const exportOpts = {
  name: "synthetic",
  width: W,
  height: W,
  normalize: "none" as const,
  classes: ["A", "B"],
};

describe("training on synthetic data", () => {
  for (const [wbits, abits] of [
    [8, 8],
    [4, 4],
    [2, 2],
  ] as const) {
    it(`W${wbits}A${abits} learns the task and the exported integer model agrees with the golden model`, () => {
      const t = trainSynthetic(wbits, abits);
      const model = parseModel(JSON.parse(JSON.stringify(exportModel(t.net, exportOpts))));
      const r = inferInteger(model, val.x, val.n);
      const acc = r.predictions.filter((p, i) => p === val.y[i]).length / val.n;
      expect(acc).toBeGreaterThan(0.95);
      const inputs = Array.from({ length: 40 }, (_, i) =>
        Array.from(val.x.subarray(i * W * W, (i + 1) * W * W), BigInt),
      );
      const golden = runGolden(streamlineModel(model), inputs);
      expect(golden.scores.map((s) => s.map(Number))).toEqual(r.scores.slice(0, 40));
    });
  }

  it("is deterministic for a seed", () => {
    const a = trainSynthetic(4, 4, 9);
    const b = trainSynthetic(4, 4, 9);
    expect(a.history).toHaveLength(b.history.length);
    a.net.layers.forEach((p, l) => {
      expect(Buffer.from(p.w.buffer).equals(Buffer.from(b.net.layers[l]!.w.buffer))).toBe(true);
    });
  });

  it("folds the decision margin into class 0's integer bias", () => {
    const t = trainSynthetic(8, 8);
    const plain = exportModel(t.net, exportOpts);
    const shifted = exportModel(t.net, { ...exportOpts, margin: 7 });
    const last = (m: typeof plain) => m.layers[m.layers.length - 1]!.activation as { bias: number[] };
    expect(last(shifted).bias[0]).toBe(last(plain).bias[0]! + 7);
    expect(last(shifted).bias[1]).toBe(last(plain).bias[1]);
  });
});
