// Fuzzing `loom gen` with ONNX files mutated at the protobuf level (truncation, byte flips,
// wrong element types, shape mismatches, absurd bit widths, missing initializers, cycles) and
// with valid weight and bias changes. Refused: one line, exit 1, nothing written. Accepted: the
// imported integer model reproduces the reference executor on random inputs.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { importOnnx } from "../../src/onnx/import.js";
import { ModelProto } from "../../src/onnx/onnx-schema.js";
import { readOnnx } from "../../src/onnx/read.js";
import { expectSameOutputs } from "../onnx/helpers/compare.js";
import { runLoom } from "../support/run-cli.js";
import { checkCase, Tally } from "./outcome.js";

const BYTES = readFileSync("test/fixtures/onnx/brevitas_bnn_fc_1layer.onnx");
type Json = Record<string, any>;
const WEIGHT = "/linear/weight_quant/export_handler/Constant_output_0";
const BIAS_BITS = "/linear/bias_quant/export_handler/Constant_output_0";

const float32Raw = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), at: fc.double({ min: 0, max: 0.999, noNaN: true }) }),
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant("elemType" as const),
    init: fc.nat(),
    type: fc.constantFrom(0, 2, 3, 6, 7, 8, 9, 10, 11, 16, 99),
  }),
  fc.record({
    kind: fc.constant("shape" as const),
    dims: fc.constantFrom([3, 4], [4, 2], [4, 3, 1], [5, 3], [0, 3], [4, -3], []),
  }),
  fc.record({
    kind: fc.constant("bits" as const),
    value: fc.constantFrom(0, -1, 1.5, 33, 64, 1e9, Number.NaN, Number.POSITIVE_INFINITY),
  }),
  fc.record({ kind: fc.constant("missing" as const), init: fc.nat() }),
  fc.record({ kind: fc.constant("cycle" as const) }),
  fc.record({
    kind: fc.constant("weights" as const),
    values: fc.array(fc.double({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true }), {
      minLength: 12,
      maxLength: 12,
    }),
  }),
  fc.record({
    kind: fc.constant("bias" as const),
    values: fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 4, maxLength: 4 }),
  }),
);

function mutated(m: { kind: string } & Json): Uint8Array {
  if (m.kind === "truncate") return BYTES.subarray(0, Math.floor(m.at * BYTES.length));
  if (m.kind === "flip") {
    const b = Uint8Array.from(BYTES);
    b[m.at % b.length] = m.value;
    return b;
  }
  const model = ModelProto.decode(BYTES) as unknown as { graph: Json };
  const g = model.graph;
  const inits: Json[] = g.initializer;
  const named = (n: string) => inits.find((i) => i.name === n)!;
  switch (m.kind) {
    case "elemType":
      inits[m.init % inits.length]!.data_type = m.type;
      break;
    case "shape":
      named(WEIGHT).dims = m.dims;
      break;
    case "bits":
      named(BIAS_BITS).raw_data = float32Raw([m.value]);
      break;
    case "missing":
      inits.splice(m.init % inits.length, 1);
      break;
    case "cycle":
      g.node[0].input[0] = g.node[g.node.length - 1].output[0];
      break;
    case "weights":
      // Zero is avoided: a bipolar quantizer's sign at exactly 0 is a tie, not a mutation.
      named(WEIGHT).raw_data = float32Raw(m.values.map((v: number) => (v === 0 ? 0.5 : v)));
      break;
    case "bias":
      named("linear.bias").raw_data = float32Raw(m.values);
      break;
  }
  return ModelProto.encode(model as never).finish();
}

describe("fuzz: ONNX files through loom gen", () => {
  it("refuses cleanly or imports a model that reproduces the reference executor", async () => {
    const tally = new Tally();
    const root = mkdtempSync(join(tmpdir(), "loom-fuzz-onnx-"));
    let n = 0;
    const inputs = fc.sample(
      fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 }),
      {
        numRuns: 8,
        seed: 3,
      },
    );
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const dir = join(root, `case-${n++}`);
        mkdirSync(dir);
        const bytes = mutated(m);
        writeFileSync(join(dir, "m.onnx"), bytes);
        const r = await checkCase(dir, () =>
          runLoom(["gen", "--board", "pynq-z2", "--model", join(dir, "m.onnx"), "--out", join(dir, "out")]),
        );
        if (m.kind === "weights" || m.kind === "bias") {
          expect(r.exitCode, `${m.kind} must be accepted: ${r.stderr}`).toBe(0);
        }
        tally.count(m.kind, r.exitCode === 0);
        if (r.exitCode !== 0) return;
        const { model, host } = importOnnx(bytes);
        const graph = readOnnx(bytes);
        for (const x of inputs) expectSameOutputs(graph, model, host, x);
      }),
      { numRuns: 60, seed: 11, interruptAfterTimeLimit: 40_000 },
    );
    tally.report("ONNX");
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.refused).toBeGreaterThan(0);
  });
});
