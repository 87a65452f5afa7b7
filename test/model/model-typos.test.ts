// Issue 16 item 7: a misspelt key in a model file is an error naming the key and the closest
// allowed one, never silently dropped (which changed the network's outputs).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { closestName } from "../../src/model/closest-name.js";
import { loadModel } from "../../src/model/model-load.js";

const tiny = () => JSON.parse(readFileSync("test/fixtures/models/tiny-float.json", "utf8"));

describe("model file key typos", () => {
  it.each([
    ["batchnorm", "batchNorm", (m: any) => m.layers[0].activation, "layers[0].activation"],
    ["relu", "Relu", (m: any) => m.layers[0].activation, "layers[0].activation"],
    ["argmax", "argMax", (m: any) => m.output, "output"],
    ["rounding", "round", (m: any) => m.layers[0].activation.quant, "layers[0].activation.quant"],
    ["weights", "weigths", (m: any) => m.layers[1], "layers[1]"],
    ["datatype", "dataType", (m: any) => m.input, "input"],
  ])("%s spelt %s is refused with a suggestion", (right, wrong, at, path) => {
    const m = tiny();
    const obj = at(m) ?? {};
    obj[wrong] = obj[right] ?? true;
    delete obj[right];
    if (right === "argmax") m.output = obj;
    expect(() => loadModel(m)).toThrow(`${path}: unknown key "${wrong}" (did you mean "${right}"?)`);
  });

  it("names an unknown key without a near miss and lists the allowed ones", () => {
    const m = tiny();
    m.layers[0].colour = "blue";
    expect(() => loadModel(m)).toThrow(/layers\[0\]: unknown key "colour"; allowed: name, kind, inFeatures/);
  });

  it("keeps free-form provenance in meta", () => {
    const m = tiny();
    m.meta = { anything: { goes: 1 } };
    expect(loadModel(m).meta).toEqual({ anything: { goes: 1 } });
  });

  it("suggests only plausible names", () => {
    expect(closestName("batchNorm", ["batchnorm", "bias"])).toBe("batchnorm");
    expect(closestName("xyz", ["batchnorm", "bias"])).toBeUndefined();
  });
});
