// Builds small ONNX models with protobufjs for tests: nodes, float/int64 initializers, and a
// single float input and output. Only what the tests need; the schema is Loom's own.
import { AttributeType, ModelProto, TensorDataType } from "../../../src/onnx/onnx-schema.js";

export type Attr = number | string | number[] | { float: number } | { tensor: InitSpec };

export interface NodeSpec {
  op: string;
  inputs: string[];
  output: string;
  /** All outputs when the node has several (TopK); `output` is then the one used. */
  outputs?: string[];
  name?: string;
  domain?: string;
  attrs?: Record<string, Attr>;
}

export interface InitSpec {
  dims: number[];
  data: number[];
  /** Default FLOAT; "int64" and "double" as in tf2onnx exports; "raw" stores FLOAT as raw_data. */
  type?: "float" | "int64" | "double" | "raw";
}

function attribute(name: string, v: Attr) {
  if (typeof v === "string") return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AttributeType.INTS, ints: v };
  if (typeof v === "object" && "tensor" in v)
    return { name, type: AttributeType.TENSOR, t: tensor(name, v.tensor) };
  if (typeof v === "object") return { name, type: AttributeType.FLOAT, f: v.float };
  return { name, type: AttributeType.INT, i: v };
}

function tensor(name: string, t: InitSpec) {
  switch (t.type ?? "float") {
    case "int64":
      return { name, dims: t.dims, data_type: TensorDataType.INT64, int64_data: t.data };
    case "double":
      return { name, dims: t.dims, data_type: TensorDataType.DOUBLE, double_data: t.data };
    case "raw": {
      const raw = new Uint8Array(new Float32Array(t.data).buffer);
      return { name, dims: t.dims, data_type: TensorDataType.FLOAT, raw_data: raw };
    }
    default:
      return { name, dims: t.dims, data_type: TensorDataType.FLOAT, float_data: t.data };
  }
}

const valueInfo = (name: string, dims: (number | string)[], elemType: number = TensorDataType.FLOAT) => ({
  name,
  type: {
    tensor_type: {
      elem_type: elemType,
      shape: { dim: dims.map((d) => (typeof d === "string" ? { dim_param: d } : { dim_value: d })) },
    },
  },
});

export function buildModel(opts: {
  nodes: NodeSpec[];
  inits: Record<string, InitSpec>;
  /** Dimensions; a string is a symbolic dim_param. */
  input: { name: string; dims: (number | string)[] };
  output: { name: string; dims: (number | string)[]; int64?: boolean };
  annotations?: Record<string, string>;
  /** ai.onnx opset (default 14) and other opset_import entries. */
  opset?: number;
  domains?: { domain: string; version: number }[];
  producer?: string;
}): Uint8Array {
  const msg = ModelProto.fromObject({
    ir_version: 8,
    producer_name: opts.producer ?? "loom-test",
    opset_import: [{ domain: "", version: opts.opset ?? 14 }, ...(opts.domains ?? [])],
    graph: {
      name: "test",
      node: opts.nodes.map((n, i) => ({
        name: n.name ?? `${n.op}_${i}`,
        op_type: n.op,
        domain: n.domain ?? "",
        input: n.inputs,
        output: n.outputs ?? [n.output],
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      initializer: Object.entries(opts.inits).map(([k, t]) => tensor(k, t)),
      input: [valueInfo(opts.input.name, opts.input.dims)],
      output: [
        valueInfo(
          opts.output.name,
          opts.output.dims,
          opts.output.int64 ? TensorDataType.INT64 : TensorDataType.FLOAT,
        ),
      ],
      quantization_annotation: Object.entries(opts.annotations ?? {}).map(([k, v]) => ({
        tensor_name: k,
        quant_parameter_tensor_names: [{ key: "finn_datatype", value: v }],
      })),
    },
  });
  return ModelProto.encode(msg).finish();
}

/** Deterministic pseudo-random numbers (tests must be reproducible). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
