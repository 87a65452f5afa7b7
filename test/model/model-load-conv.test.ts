// The loader's conv checks: each inconsistency is one clear line naming the field.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadModel, ModelError } from "../../src/model/model-load.js";

/** 6x5x2 UINT4 → conv 3x3 (padding 1) to 4 channels + 2x2 max-pool → conv 2x2 to 3 → dense to 2. */
function base(): any {
  return JSON.parse(readFileSync(new URL("../fixtures/models/tiny-conv.json", import.meta.url), "utf8"));
}

/** The loader's message for a broken model, which must be exactly one line. */
function errorOf(json: unknown): string {
  try {
    loadModel(json, "model.json");
  } catch (e) {
    expect(e).toBeInstanceOf(ModelError);
    const msg = (e as Error).message;
    expect(msg).not.toContain("\n");
    return msg;
  }
  throw new Error("the model loaded");
}

describe("loadModel: conv layers", () => {
  it("accepts the base model, and input shapes that differ only by size-1 axes", () => {
    expect(loadModel(base()).layers.map((l) => l.kind)).toEqual(["conv", "conv", "dense"]);
    const gray = base();
    gray.input.shape = [6, 5];
    gray.layers[0].inShape = [6, 5, 1];
    gray.layers[0].weights = gray.layers[0].weights.map((r: number[]) => r.slice(0, 9));
    expect(loadModel(gray).input.shape).toEqual([6, 5]);
  });

  it("checks inShape against input.shape and the previous layer", () => {
    const m = base();
    m.input.shape = [2, 6, 5];
    expect(errorOf(m)).toBe(
      "model.json: layers[0].inShape: is [6, 5, 2], but input.shape [2, 6, 5] is a different feature map",
    );
    const m2 = base();
    m2.layers[1].inShape = [3, 3, 4];
    m2.layers[1].weights = m2.layers[1].weights.map((r: number[]) => r.slice(0, 16));
    expect(errorOf(m2)).toBe(
      'model.json: layers[1].inShape: is [3, 3, 4], but layers[0] ("c0") outputs 3x2x4 (24 values)',
    );
    const m3 = base();
    m3.layers[2].inFeatures = 5;
    m3.layers[2].weights = m3.layers[2].weights.map((r: number[]) => r.slice(0, 5));
    expect(errorOf(m3)).toBe(
      'model.json: layers[2].inFeatures: is 5, but layers[1] ("c1") outputs 2x1x3 (6 values)',
    );
  });

  it("refuses a window or a pool that does not fit", () => {
    const m = base();
    m.layers[1].kernel = [4, 2];
    m.layers[1].weights = m.layers[1].weights.map((r: number[]) => [...r, ...r]);
    expect(errorOf(m)).toBe(
      "model.json: layers[1].kernel: [4, 2] does not fit the padded input 3x2 (inShape and padding)",
    );
    const m2 = base();
    m2.layers[0].pool.kernel = [2, 6];
    expect(errorOf(m2)).toBe(
      "model.json: layers[0].pool.kernel: [2, 6] does not fit the convolution output 6x5",
    );
  });

  it("refuses padding where 0.0 has no code", () => {
    const m = base();
    m.input.datatype = "BIPOLAR";
    m.layers[0].weights = m.layers[0].weights.map((r: number[]) => r.map((w) => (w < 0 ? -1 : 1)));
    m.layers[0].weightDatatype = "BIPOLAR";
    expect(errorOf(m)).toMatch(
      /^model\.json: layers\[0\]\.padding: padding needs a code for 0\.0, and the layer's BIPOLAR input has none/,
    );
    const m2 = base();
    m2.layers[0].activation = { kind: "thresholds", outDatatype: "BIPOLAR", thresholds: [[0]] };
    m2.layers[1].padding = { top: 0, bottom: 1, left: 0, right: 0 };
    m2.layers[1].kernel = [2, 1];
    m2.layers[1].weights = m2.layers[1].weights.map((r: number[]) => r.slice(0, 8));
    expect(errorOf(m2)).toMatch(/^model\.json: layers\[1\]\.padding: padding needs a code for 0\.0/);
    const m3 = base();
    m3.input.zeroPoint = 16;
    expect(errorOf(m3)).toBe(
      "model.json: input.zeroPoint: 16 (the code of 0.0 that layers[0] pads with) does not fit the input datatype UINT4 (0..15)",
    );
  });

  it("refuses a conv layer after a dense layer", () => {
    const m = base();
    m.layers = [
      { ...m.layers[2], inFeatures: 60, weights: [new Array(60).fill(1), new Array(60).fill(0)] },
      {
        ...m.layers[1],
        inShape: [1, 1, 2],
        kernel: [1, 1],
        weights: [
          [1, 1],
          [1, 0],
          [0, 1],
        ],
      },
    ];
    m.layers[0].activation = { kind: "thresholds", outDatatype: "UINT2", thresholds: [[1, 2, 3]] };
    expect(errorOf(m)).toBe(
      "model.json: layers[1].kind: a conv layer cannot follow a dense layer (its input is a flat vector)",
    );
  });

  it("checks a conv folding: SIMD divides the input channels, PE the output channels", () => {
    const m = base();
    m.layers[1].folding = { pe: 3, simd: 3 };
    expect(errorOf(m)).toBe(
      "model.json: layers[1].folding.simd: 3 does not divide input channels 4; valid: 1, 2, 4",
    );
    const m2 = base();
    m2.layers[1].folding = { pe: 2, simd: 4 };
    expect(errorOf(m2)).toBe(
      "model.json: layers[1].folding.pe: 2 does not divide outChannels 3; valid: 1, 3",
    );
  });

  it("refuses a max-pool on a raw output with a non-positive scale", () => {
    const m = base();
    m.layers[0].activation = { kind: "none", bias: 0, scale: [1, -1, 1, 1], relu: true };
    expect(errorOf(m)).toBe(
      "model.json: layers[0].activation.scale: max-pooling needs a positive scale (the pool compares integer outputs), got -1",
    );
  });

  it("names the weight row length of a conv as KH·KW·C", () => {
    const m = base();
    m.layers[0].weights[2] = m.layers[0].weights[2].slice(0, 17);
    expect(errorOf(m)).toBe(
      "model.json: layers[0].weights[2]: expected 18 values (kernel height · width · input channels), got 17",
    );
  });
});
