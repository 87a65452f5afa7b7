// Malformed or unsupported ONNX is refused at import with one line naming the file, the node,
// its op and the reason — never built into hardware that disagrees with the graph.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { layerInputDatatypes } from "../../src/model/layer-types.js";
import { quantizeInput } from "../../src/onnx/host.js";
import { importOnnx } from "../../src/onnx/import.js";
import { ModelProto, TensorDataType } from "../../src/onnx/onnx-schema.js";
import { decodeTensor } from "../../src/onnx/read.js";
import { buildModel } from "./helpers/build.js";

// protobufjs messages are untyped.
type Msg = any;

const dir = new URL("../fixtures/onnx/", import.meta.url).pathname;
const qkeras = readFileSync(`${dir}qkeras_qdense_0.onnx`);
const tmp = mkdtempSync(join(tmpdir(), "loom-onnx-refusals-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of a model with `edit` applied to its decoded protobuf. */
function mutate(bytes: Uint8Array, edit: (m: Msg) => void): Uint8Array {
  const m: Msg = ModelProto.decode(bytes);
  edit(m);
  return ModelProto.encode(m).finish();
}

/** Replaces initializer `name` by `values` with `dims` (FLOAT). */
function setInit(m: Msg, name: string, dims: number[], values: (old: number[]) => number[]): void {
  const t = m.graph.initializer.find((i: Msg) => i.name === name);
  const old = Array.from(decodeTensor(t, name).data as Float32Array);
  Object.assign(t, {
    dims,
    data_type: TensorDataType.FLOAT,
    float_data: values(old),
    raw_data: new Uint8Array(),
  });
}

const importFile = (bytes: Uint8Array, file: string) => {
  const path = join(tmp, file);
  writeFileSync(path, bytes);
  return () => importOnnx(path);
};

describe("malformed ONNX is refused at import", () => {
  it("a second weight matrix cut to 31×32 (the layer widths no longer chain)", () => {
    const bad = mutate(qkeras, (m) => setInit(m, "Quant_0_param0", [31, 32], (w) => w.slice(0, 31 * 32)));
    expect(importFile(bad, "cut.onnx")).toThrow(
      /cut\.onnx: node "MatMul_1" \(MatMul\): shapes \[1,32\] and \[31,32\] do not multiply$/,
    );
  });

  it("a first weight matrix of 15 rows against the declared input of 16", () => {
    const bad = mutate(qkeras, (m) => setInit(m, "Quant_2_param0", [15, 32], (w) => w.slice(0, 15 * 32)));
    expect(importFile(bad, "rows.onnx")).toThrow(/node "MatMul_0" \(MatMul\): shapes \[1,16\] and \[15,32\]/);
  });

  it("a declared input of [1, 17] against 16 weight rows", () => {
    const bad = mutate(qkeras, (m) => {
      m.graph.input[0].type.tensor_type.shape.dim[1].dim_value = 17;
    });
    expect(() => importOnnx(bad)).toThrow(/node "MatMul_0" \(MatMul\): shapes \[1,17\] and \[16,32\]/);
  });

  it("a symbolic feature dimension (only the batch axis may be symbolic)", () => {
    const bad = mutate(qkeras, (m) => {
      m.graph.input[0].type.tensor_type.shape.dim[1] = { dim_param: "features" };
    });
    expect(() => importOnnx(bad)).toThrow(/dimension 1 is symbolic \("features"\); only the batch dimension/);
    // The torch fixture's batch is symbolic ("batch"): taken as 1.
    expect(importOnnx(`${dir}torch_view_bn_softmax_op13.onnx`).host.input.shape).toEqual([1, 1, 4, 4]);
  });

  it("a declared output shape the graph does not compute", () => {
    const bad = mutate(qkeras, (m) => {
      m.graph.output[0].type.tensor_type.shape.dim[1].dim_value = 31;
    });
    expect(() => importOnnx(bad)).toThrow(
      /node "Identity_1" \(Identity\): tensor "global_out" is declared \[1,31\] but the graph computes \[1,32\]/,
    );
  });

  it("a NaN weight names the file and the node", () => {
    const bad = mutate(qkeras, (m) =>
      setInit(m, "Quant_2_param0", [16, 32], (w) => w.map((v, i) => (i === 5 ? Number.NaN : v))),
    );
    expect(importFile(bad, "nan-weight.onnx")).toThrow(
      /nan-weight\.onnx: node "MatMul_0" \(MatMul\): weight \[0, 5\] is NaN \(weights must be finite numbers\)/,
    );
  });

  it("a NaN weight scale names the file, the node and the channel", () => {
    const bad = mutate(qkeras, (m) => setInit(m, "Quant_2_param1", [], () => [Number.NaN]));
    expect(importFile(bad, "nan-scale.onnx")).toThrow(
      /nan-scale\.onnx: node "MatMul_0" \(MatMul\): the weight scale of output channel 0 is NaN/,
    );
  });

  it("NaN and infinite inputs", () => {
    const { host } = importOnnx(`${dir}torch_view_bn_softmax_op13.onnx`);
    const x = Array(16).fill(0.5);
    x[2] = Number.NaN;
    expect(() => quantizeInput(host.input, x)).toThrow(/input element 2 is NaN; inputs must be finite/);
    x[2] = -Infinity;
    expect(() => quantizeInput(host.input, x)).toThrow(/input element 2 is -Infinity/);
  });
});

describe("unsupported graphs are refused with the node, op and reason", () => {
  const mlp = (extra: { op: string; inputs: string[]; output: string }[], output = "h") =>
    buildModel({
      nodes: [{ op: "MatMul", inputs: ["x", "w"], output: "h", name: "fc" }, ...extra],
      inits: { w: { dims: [3, 3], data: [1, 0, 0, 0, 1, 0, 0, 0, 1] } },
      input: { name: "x", dims: [1, 3] },
      output: { name: output, dims: [1, 3] },
    });

  it("a residual branch", () => {
    const bytes = mlp([{ op: "Add", inputs: ["h", "x"], output: "y" }], "y");
    expect(() => importOnnx(bytes)).toThrow(
      /tensor "x" feeds 2 nodes \(node "fc" \(MatMul\), node "Add_1" \(Add\)\); only a single chain/,
    );
  });

  it("an unsupported op", () => {
    const bytes = mlp([{ op: "Tanh", inputs: ["h"], output: "y" }], "y");
    expect(() => importOnnx(bytes)).toThrow(
      /node "Tanh_1" \(Tanh\): op Tanh is not supported; supported ops:/,
    );
  });

  it("Softmax before the last layer", () => {
    const bytes = buildModel({
      nodes: [
        { op: "MatMul", inputs: ["x", "w"], output: "h", name: "fc1" },
        { op: "Softmax", inputs: ["h"], output: "p", name: "sm" },
        { op: "MatMul", inputs: ["p", "w"], output: "y", name: "fc2" },
      ],
      inits: { w: { dims: [3, 3], data: [1, 0, 0, 0, 1, 0, 0, 0, 1] } },
      input: { name: "x", dims: [1, 3] },
      output: { name: "y", dims: [1, 3] },
    });
    expect(() => importOnnx(bytes)).toThrow(
      /node "sm" \(Softmax\): Softmax only runs after the last layer \(on the host\), but node "fc2" \(MatMul\) follows/,
    );
  });

  it("an MVAU whose MW attribute disagrees with its weights", () => {
    const bytes = buildModel({
      nodes: [
        {
          op: "MVAU_hls",
          inputs: ["x", "w"],
          output: "y",
          name: "mvau",
          attrs: { MW: 4, MH: 2, noActivation: 1, inputDataType: "INT2", weightDataType: "INT2" },
        },
      ],
      inits: { w: { dims: [3, 2], data: [1, 0, -1, 1, 0, 1] } },
      input: { name: "x", dims: [1, 3] },
      output: { name: "y", dims: [1, 2] },
    });
    expect(() => importOnnx(bytes)).toThrow(
      /node "mvau" \(MVAU_hls\): attribute MW = 4, but the weights are \[3,2\]/,
    );
  });

  describe("a linear layer feeding the next without a quantizer", () => {
    const twoLayers = (o: { scale: number[]; bias: number; inputBits?: number; relu?: boolean }) =>
      buildModel({
        nodes: [
          {
            op: "Quant",
            domain: "qonnx.custom_op.general",
            inputs: ["x", "s_in", "z", "b_in"],
            output: "xq",
            attrs: { signed: 1, narrow: 0, rounding_mode: "ROUND" },
          },
          {
            op: "Quant",
            domain: "qonnx.custom_op.general",
            inputs: ["w1", "s_w", "z", "b_w"],
            output: "w1q",
            attrs: { signed: 1, narrow: 0, rounding_mode: "ROUND" },
          },
          { op: "MatMul", inputs: ["xq", "w1q"], output: "h0", name: "dense1" },
          { op: "Add", inputs: ["h0", "bias"], output: o.relu ? "hb" : "h" },
          ...(o.relu ? [{ op: "Relu", inputs: ["hb"], output: "h", name: "relu1" }] : []),
          { op: "MatMul", inputs: ["h", "w2"], output: "y", name: "dense2" },
        ],
        inits: {
          s_in: { dims: [], data: [0.5] },
          z: { dims: [], data: [0] },
          b_in: { dims: [], data: [o.inputBits ?? 4] },
          w1: { dims: [2, 2], data: [1, -1, 1, 1].map((v, i) => v * o.scale[i % o.scale.length]!) },
          s_w: { dims: o.scale.length > 1 ? [1, 2] : [], data: o.scale },
          b_w: { dims: [], data: [4] },
          bias: { dims: [2], data: [o.bias, 0] },
          w2: { dims: [2, 1], data: [1, 2] },
        },
        input: { name: "x", dims: [1, 2] },
        output: { name: "y", dims: [1, 1] },
      });

    it("is imported as the exact integer acc + bias (the datatype its range needs)", () => {
      const { model } = importOnnx(twoLayers({ scale: [0.25], bias: 0.375 }));
      expect(model.layers[0]!.activation).toMatchObject({ kind: "none", bias: [3, 0] });
    });

    it("through a Relu, is imported as that integer clamped at zero (unsigned)", () => {
      const { model } = importOnnx(twoLayers({ scale: [0.25], bias: 0.375, relu: true }));
      expect(model.layers[0]!.activation).toMatchObject({ kind: "none", bias: [3, 0], relu: true });
      // Inputs 4-bit codes −8..7, weights ±1: acc + bias spans −13..17 and −15..15, 0..17 clamped.
      expect(layerInputDatatypes(model)[1]).toEqual({ kind: "UINT", bits: 5 });
    });

    it("is refused when its scale differs between channels", () => {
      expect(() => importOnnx(twoLayers({ scale: [0.25, 0.5], bias: 0 }))).toThrow(
        /node "dense1" \(MatMul\): its output feeds the next layer without a quantizer, so it must lie on one integer grid/,
      );
    });

    it("is refused when the bias is off the accumulator grid", () => {
      expect(() => importOnnx(twoLayers({ scale: [0.25], bias: 0.3 }))).toThrow(
        /node "dense1" \(MatMul\): .*the bias of channel 0 \(0\.3\d*\) is not a whole number of accumulator steps \(0\.125\)/,
      );
    });

    it("is refused when its range is wider than a layer input", () => {
      expect(() => importOnnx(twoLayers({ scale: [0.25], bias: 0, inputBits: 16 }))).toThrow(
        /node "dense1" \(MatMul\): .*spans -\d+\.\.\d+ \(INT\d+\), wider than the 16 bits a layer input can have/,
      );
    });
  });
});
