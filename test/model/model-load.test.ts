import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel, ModelError } from "../../src/model/model-load.js";
import { formatModelJson } from "../../src/model/model-save.js";

const fixture = (name: string) => new URL(`../fixtures/models/${name}`, import.meta.url).pathname;

function base(): any {
  return JSON.parse(JSON.stringify(loadModel(fixture("tiny-thresholds.json"))));
}

function expectError(json: unknown, pattern: RegExp): void {
  let err: unknown;
  try {
    loadModel(json, "model.json");
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ModelError);
  expect((err as Error).message).toMatch(pattern);
}

describe("loadModel", () => {
  it("loads both fixtures from files", () => {
    expect(loadModel(fixture("tiny-float.json")).layers.map((l) => l.activation.kind)).toEqual([
      "float",
      "none",
    ]);
    expect(loadModel(fixture("tiny-thresholds.json")).layers[0]!.activation.kind).toBe("thresholds");
  });

  it("accepts JSON text and objects, and round-trips through formatModelJson", () => {
    const m = loadModel(fixture("tiny-float.json"));
    expect(loadModel(formatModelJson(m))).toEqual(m);
    expect(loadModel(JSON.parse(JSON.stringify(m)))).toEqual(m);
  });

  it("reports unreadable files and bad JSON with the file name", () => {
    expect(() => loadModel("/nonexistent/model.json")).toThrow(/\/nonexistent\/model.json: cannot read/);
    const dir = mkdtempSync(join(tmpdir(), "loom-"));
    const path = join(dir, "bad.json");
    writeFileSync(path, "{ not json");
    expect(() => loadModel(path)).toThrow(ModelError);
    expect(() => loadModel(path)).toThrow(/bad.json: not valid JSON/);
  });

  it("names the JSON path of schema errors", () => {
    const m = base();
    m.layers[1].weights[0][2] = "x";
    expectError(m, /model.json: layers\[1\]\.weights\[0\]\[2\]: expected number/);
    const m2 = base();
    m2.layers[0].activation.kind = "relu";
    expectError(m2, /layers\[0\]\.activation\.kind: Invalid discriminator value/);
    const m3 = base();
    m3.input.datatype = "UINT99x";
    expectError(m3, /input\.datatype: expected a datatype/);
  });

  it("checks the weight matrix shape", () => {
    const m = base();
    m.layers[0].weights[3].pop();
    expectError(m, /model.json: layers\[0\]\.weights\[3\]: expected 16 values \(inFeatures\), got 15/);
    const m2 = base();
    m2.layers[0].weights.pop();
    expectError(m2, /layers\[0\]\.weights: expected 8 rows \(outFeatures\), got 7/);
  });

  it("checks weights fit the weight datatype, BIPOLAR being ±1", () => {
    const m = base();
    m.layers[0].weights[1][4] = 8;
    expectError(m, /layers\[0\]\.weights\[1\]\[4\]: 8 does not fit INT4 \(-8\.\.7\)/);
    const m2 = base();
    m2.layers[1].weightDatatype = "BIPOLAR";
    m2.layers[1].weights = m2.layers[1].weights.map((r: number[]) => r.map(() => 1));
    m2.layers[1].weights[1][0] = 0;
    expectError(m2, /layers\[1\]\.weights\[1\]\[0\]: 0 does not fit BIPOLAR \(weights must be -1 or \+1\)/);
  });

  it("checks layer chaining against the input shape and the previous layer", () => {
    const m = base();
    m.input.shape = [4, 5];
    expectError(m, /layers\[0\]\.inFeatures: is 16, but input.shape \[4, 5\] has 20 values/);
    const m2 = base();
    m2.layers[1].inFeatures = 9;
    m2.layers[1].weights = m2.layers[1].weights.map((r: number[]) => [...r, 0]);
    expectError(m2, /layers\[1\]\.inFeatures: is 9, but layers\[0\] \("fc0"\) has outFeatures 8/);
  });

  it("checks threshold rows, order, count and output range", () => {
    const m = base();
    m.layers[0].activation.thresholds = m.layers[0].activation.thresholds.slice(0, 3);
    expectError(m, /thresholds: expected 1 row \(for all channels\) or 8 rows/);
    const m2 = base();
    const row = m2.layers[0].activation.thresholds[2];
    [row[3], row[4]] = [row[4], row[3]];
    expectError(m2, /thresholds\[2\]\[4\]: thresholds must be ascending/);
    const m3 = base();
    m3.layers[0].activation.outDatatype = "UINT3";
    expectError(m3, /has 15 thresholds; UINT3 output allows at most 7/);
    const m4 = base();
    m4.layers[0].activation.outBias = 1;
    expectError(m4, /outBias: outputs 1\.\.16 .* do not fit UINT4/);
    const m5 = base();
    m5.layers[0].activation.outDatatype = "BIPOLAR";
    m5.layers[0].activation.thresholds = m5.layers[0].activation.thresholds.map((r: number[]) =>
      r.slice(0, 2),
    );
    expectError(m5, /BIPOLAR output allows at most 1/);
    const m6 = base();
    m6.layers[0].activation.thresholds[1].pop();
    expectError(m6, /thresholds\[1\]: has 14 thresholds, but row 0 has 15/);
  });

  it("checks per-channel lengths, batch-norm variance and where 'none' may appear", () => {
    const f = JSON.parse(JSON.stringify(loadModel(fixture("tiny-float.json"))));
    const g = structuredClone(f);
    g.layers[0].activation.scale = [1, 2, 3];
    expectError(
      g,
      /layers\[0\]\.activation\.scale: expected 1 value or 8 values \(one per output channel\), got 3/,
    );
    const h = structuredClone(f);
    h.layers[0].activation.batchnorm.gamma = [1, 1];
    expectError(h, /activation\.batchnorm\.gamma: expected 1 value or 8 values/);
    const v = structuredClone(f);
    v.layers[0].activation.batchnorm.variance = -1;
    expectError(v, /variance \+ epsilon must be > 0/);
    const n = structuredClone(f);
    n.layers[0].activation = { kind: "none" };
    n.layers[0].weightDatatype = "BIPOLAR";
    n.layers[0].weights = n.layers[0].weights.map((r: number[]) => r.map((v) => (v >= 0 ? 1 : -1)));
    expectError(
      n,
      /layers\[0\]\.activation\.kind: "none" on a BIPOLAR-weight layer is only allowed on the last layer/,
    );
    const b = structuredClone(f);
    b.layers[1].activation.bias = [1, 2, 3];
    expectError(b, /layers\[1\]\.activation\.bias: expected 1 value or 2 values/);
    const r = structuredClone(f);
    r.layers[1].activation = { kind: "none", relu: true };
    expectError(r, /layers\[1\]\.activation\.relu: a ReLU after the last layer runs on the host/);
  });

  it("checks a user folding, duplicate names and class names", () => {
    const m = base();
    m.layers[0].folding = { pe: 3, simd: 4 };
    expectError(m, /layers\[0\]\.folding\.pe: 3 does not divide outFeatures 8; valid: 1, 2, 4, 8/);
    const d = base();
    d.layers[1].name = "fc0";
    expectError(d, /layers\[1\]\.name: "fc0" is used by an earlier layer/);
    const c = base();
    c.output.classes = ["a"];
    expectError(c, /output\.classes: has 1 names, but the last layer has 2 outputs/);
  });
});
