// Fuzzing `loom gen` with schema-aware mutations of a model file (dims, datatype widths,
// non-finite numbers, key typos, missing keys) and with mutations that keep it valid (weights in
// range, activation scales and biases). Refused cases: one line, exit 1, nothing written.
// Accepted cases: the golden model gen wrote (model.streamlined.json) agrees with the float model.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../src/model/model-load.js";
import { runLoom } from "../support/run-cli.js";
import { checkCase, expectGoldenMatchesFloat, Tally } from "./outcome.js";

const BASE = readFileSync("test/fixtures/models/tiny-float.json", "utf8");
type Json = Record<string, any>;

/** Valid-preserving mutations: the model must still be accepted. */
const validMutation = fc.oneof(
  fc.record({
    kind: fc.constant("weight" as const),
    layer: fc.integer({ min: 0, max: 1 }),
    row: fc.nat(),
    col: fc.nat(),
    value: fc.integer({ min: -8, max: 7 }),
  }),
  fc.record({
    kind: fc.constant("scale" as const),
    factor: fc.double({ min: 0.25, max: 4, noNaN: true }),
  }),
  fc.record({ kind: fc.constant("bias" as const), value: fc.double({ min: -2, max: 2, noNaN: true }) }),
);

/** Mutations that usually make the model invalid (a few may happen to stay valid). */
const badMutation = fc.oneof(
  fc.record({
    kind: fc.constant("dim" as const),
    layer: fc.integer({ min: 0, max: 1 }),
    key: fc.constantFrom("inFeatures", "outFeatures"),
    value: fc.oneof(fc.integer({ min: -2, max: 20 }), fc.constant(1e9), fc.constant(2.5)),
  }),
  fc.record({
    kind: fc.constant("width" as const),
    value: fc.constantFrom("INT0", "UINT0", "INT1", "INT65", "UINT99", "FLOAT8", "INT999999999", ""),
  }),
  fc.record({
    kind: fc.constant("nonfinite" as const),
    where: fc.constantFrom("weight", "scale", "quant", "bias", "variance"),
    value: fc.constantFrom("NaN", "Infinity", "-Infinity", "1e400", "null", '"7"'),
  }),
  fc.record({
    kind: fc.constant("typo" as const),
    key: fc.constantFrom("batchnorm", "relu", "argmax", "weights", "datatype", "rounding", "kind"),
    variant: fc.constantFrom("upper", "drop", "double"),
  }),
  fc.record({
    kind: fc.constant("quantBits" as const),
    value: fc.oneof(fc.integer({ min: -1, max: 70 }), fc.constant(1e6)),
  }),
);

function mutated(m: { kind: string } & Json): string {
  const model: Json = JSON.parse(BASE);
  const act = model.layers[0].activation;
  switch (m.kind) {
    case "weight": {
      const w = model.layers[m.layer].weights;
      w[m.row % w.length][m.col % w[0].length] = m.value;
      return JSON.stringify(model);
    }
    case "scale":
      act.scale = act.scale.map((s: number) => s * m.factor);
      return JSON.stringify(model);
    case "bias":
      act.bias[0] = m.value;
      return JSON.stringify(model);
    case "dim":
      model.layers[m.layer][m.key] = m.value;
      return JSON.stringify(model);
    case "width":
      model.layers[1].weightDatatype = m.value;
      return JSON.stringify(model);
    case "quantBits":
      act.quant.bits = m.value;
      return JSON.stringify(model);
    case "nonfinite": {
      const marker = 123456789;
      if (m.where === "weight") model.layers[0].weights[0][0] = marker;
      if (m.where === "scale") act.scale[0] = marker;
      if (m.where === "quant") act.quant.scale = marker;
      if (m.where === "bias") act.bias[1] = marker;
      if (m.where === "variance") act.batchnorm.variance = marker;
      return JSON.stringify(model).replace(String(marker), m.value);
    }
    default: {
      // typo: rename the first occurrence of the key.
      const text = JSON.stringify(model);
      const renamed =
        m.variant === "upper"
          ? m.key[0].toUpperCase() + m.key.slice(1)
          : m.variant === "drop"
            ? m.key.slice(0, -1)
            : m.key + m.key.slice(-1);
      return text.replace(`"${m.key}":`, `"${renamed}":`);
    }
  }
}

describe("fuzz: model files through loom gen", () => {
  it("refuses cleanly or builds a design whose golden model equals the float model", async () => {
    const tally = new Tally();
    const root = mkdtempSync(join(tmpdir(), "loom-fuzz-json-"));
    let n = 0;
    const inputs = fc.sample(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }), {
      numRuns: 16,
      seed: 7,
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(validMutation, badMutation), async (m) => {
        const dir = join(root, `case-${n++}`);
        mkdirSync(dir);
        writeFileSync(join(dir, "model.json"), mutated(m));
        const out = join(dir, "out");
        const r = await checkCase(dir, () =>
          runLoom(["gen", "--board", "pynq-z2", "--model", join(dir, "model.json"), "--out", out]),
        );
        const valid = ["weight", "scale", "bias"].includes(m.kind);
        if (valid) expect(r.exitCode, `${m.kind} must be accepted: ${r.stderr}`).toBe(0);
        tally.count(m.kind, r.exitCode === 0);
        if (r.exitCode !== 0) return;
        expectGoldenMatchesFloat(loadModel(join(dir, "model.json")), out, inputs);
      }),
      { numRuns: 40, seed: 16, interruptAfterTimeLimit: 40_000 },
    );
    tally.report("model JSON");
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.refused).toBeGreaterThan(0);
  });
});
