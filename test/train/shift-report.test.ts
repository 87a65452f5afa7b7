// Per-copy metrics of a shifted validation set, checked against scoring each copy on its own.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/load.js";
import { NO_PER_IMAGE_STEPS } from "../../src/data/per-image.js";
import { loadModel } from "../../src/model/model-load.js";
import { measure } from "../../src/train/run.js";
import { perShiftMetrics, worstShift } from "../../src/train/shift-report.js";
import { ACQUISITION_SHIFTS, withShifts } from "../../src/train/shift-suite.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/chest_xray");

describe("perShiftMetrics", () => {
  it("scores every copy as if it were scored alone, and finds the worst one", () => {
    const model = loadModel("models/pneumonia-w4a4.json");
    const ds = loadDataset(FIXTURE, {
      width: 32,
      height: 32,
      cacheDir: mkdtempSync(join(tmpdir(), "loom-sr-")),
    });
    // Use all 28 sample images (train, val and test) as one "validation" split.
    const parts = [ds.splits.train!, ds.splits.val!, ds.splits.test!];
    const n = parts.reduce((a, p) => a + p.n, 0);
    const x = new Uint8Array(n * 1024);
    const y = new Uint8Array(n);
    let at = 0;
    for (const p of parts) {
      x.set(p.x, at * 1024);
      y.set(p.y, at);
      at += p.n;
    }
    const clean = { x, y, n, dim: 1024, names: parts.flatMap((p) => p.names) };
    const val = withShifts(clean, clean, 32, 32, NO_PER_IMAGE_STEPS);
    const list = perShiftMetrics(model, val);
    expect(list.map((s) => s.shift)).toEqual(["none", ...ACQUISITION_SHIFTS.map((s) => s.name)]);
    list.forEach((s, k) => {
      const copy = {
        ...clean,
        x: val.x.slice(k * n * 1024, (k + 1) * n * 1024),
        y: val.y.slice(k * n, (k + 1) * n),
      };
      expect(s.metrics).toEqual(measure(model, copy).metrics);
    });
    const worst = worstShift(list);
    expect(Math.min(...list.map((s) => s.metrics.balancedAccuracy))).toBe(worst.metrics.balancedAccuracy);
    expect(() => perShiftMetrics(model, { ...clean, n: n + 1 })).toThrow(/not 13 equal copies/);
  });
});
