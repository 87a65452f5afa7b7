// Reads an ONNX file into the plain typed graph of graph.ts, and checks what every later stage
// relies on: tensors hold as many elements as their dims say, every node input exists.
import { readFileSync } from "node:fs";
import { OnnxError } from "./errors.js";
import type { AttrValue, OnnxGraph, OnnxNode, OnnxTensor, TensorData, ValueInfo } from "./graph.js";
import { nodeLabel } from "./graph.js";
import { AttributeType, ModelProto, TensorDataType } from "./onnx-schema.js";

// protobufjs messages are untyped.
type Msg = any;

/** Reads an ONNX model from bytes or from a file path. */
export function readOnnx(source: Uint8Array | string, label?: string): OnnxGraph {
  const where = label ?? (typeof source === "string" ? source : "ONNX model");
  let bytes: Uint8Array;
  if (typeof source === "string") {
    try {
      bytes = readFileSync(source);
    } catch (err) {
      throw new OnnxError(`${where}: cannot read the file (${(err as Error).message})`);
    }
  } else bytes = source;
  let msg: Msg;
  try {
    msg = ModelProto.decode(bytes);
  } catch (err) {
    throw new OnnxError(
      `${where}: not a valid ONNX protobuf (truncated or corrupt file: ${(err as Error).message})`,
    );
  }
  try {
    return decodeModel(msg);
  } catch (err) {
    if (err instanceof OnnxError) throw new OnnxError(`${where}: ${err.message}`);
    throw err;
  }
}

function toNum(v: unknown): number {
  if (typeof v === "number") return v;
  if (v == null) return 0;
  // protobufjs gives Long objects for int64 fields.
  const n = Number(String(v));
  if (!Number.isSafeInteger(n)) throw new OnnxError(`integer ${String(v)} is too large`);
  return n;
}

function decodeModel(m: Msg): OnnxGraph {
  const g = m.graph;
  if (!g || (g.node ?? []).length === 0) {
    throw new OnnxError("the file has no graph or an empty graph (truncated file?)");
  }
  const initializers = new Map<string, OnnxTensor>();
  for (const t of g.initializer ?? []) {
    const tensor = decodeTensor(t, `initializer "${t.name}"`);
    initializers.set(tensor.name, tensor);
  }
  const nodes: OnnxNode[] = (g.node ?? []).map((n: Msg, index: number) => decodeNode(n, index));
  const valueInfo = new Map<string, ValueInfo>();
  for (const v of g.value_info ?? []) valueInfo.set(v.name, decodeValueInfo(v));
  const allInputs: ValueInfo[] = (g.input ?? []).map(decodeValueInfo);
  const outputs: ValueInfo[] = (g.output ?? []).map(decodeValueInfo);
  for (const v of [...allInputs, ...outputs]) valueInfo.set(v.name, v);
  const annotations = new Map<string, Record<string, string>>();
  for (const a of g.quantization_annotation ?? []) {
    const entries: Record<string, string> = {};
    for (const e of a.quant_parameter_tensor_names ?? []) entries[e.key] = e.value;
    annotations.set(a.tensor_name, entries);
  }
  const graph: OnnxGraph = {
    name: g.name ?? "",
    irVersion: toNum(m.ir_version),
    producer: m.producer_name ?? "",
    opsets: (m.opset_import ?? []).map((o: Msg) => ({ domain: o.domain ?? "", version: toNum(o.version) })),
    nodes,
    initializers,
    // Older exporters list initializers among the inputs too; those are not fed by the caller.
    inputs: allInputs.filter((v) => !initializers.has(v.name)),
    outputs,
    valueInfo,
    annotations,
  };
  const onnxOpset = graph.opsets.find((o) => o.domain === "" || o.domain === "ai.onnx")?.version;
  for (const node of nodes) node.opset = onnxOpset;
  checkConnectivity(graph);
  return graph;
}

function checkConnectivity(graph: OnnxGraph): void {
  if (graph.outputs.length === 0) throw new OnnxError("the graph declares no outputs");
  const known = new Set<string>([...graph.initializers.keys(), ...graph.inputs.map((v) => v.name)]);
  for (const node of graph.nodes) for (const o of node.outputs) known.add(o);
  for (const node of graph.nodes) {
    if (!node.opType) throw new OnnxError(`${nodeLabel(node)} has no op_type`);
    node.inputs.forEach((name, i) => {
      if (name !== "" && !known.has(name)) {
        throw new OnnxError(
          `${nodeLabel(node)} input ${i} "${name}" is not an initializer, a graph input or ` +
            "the output of any node (missing initializer?)",
        );
      }
    });
  }
  for (const out of graph.outputs) {
    if (!known.has(out.name)) throw new OnnxError(`graph output "${out.name}" is produced by no node`);
  }
}

function decodeNode(n: Msg, index: number): OnnxNode {
  const node: OnnxNode = {
    index,
    name: n.name ?? "",
    opType: n.op_type ?? "",
    domain: n.domain ?? "",
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attributes: {},
  };
  for (const a of n.attribute ?? []) {
    try {
      node.attributes[a.name] = decodeAttribute(a);
    } catch (err) {
      throw new OnnxError(`${nodeLabel(node)} attribute "${a.name}": ${(err as Error).message}`);
    }
  }
  return node;
}

const utf8 = new TextDecoder();

function decodeAttribute(a: Msg): AttrValue {
  let type: number = a.type ?? 0;
  if (type === 0) {
    // IR < 2 files leave the type out: infer it from the field that is set.
    if (a.s?.length) type = AttributeType.STRING;
    else if (a.t) type = AttributeType.TENSOR;
    else if (a.ints?.length) type = AttributeType.INTS;
    else if (a.floats?.length) type = AttributeType.FLOATS;
    else if (a.strings?.length) type = AttributeType.STRINGS;
    else if (a.f) type = AttributeType.FLOAT;
    else type = AttributeType.INT;
  }
  switch (type) {
    case AttributeType.FLOAT:
      return a.f ?? 0;
    case AttributeType.INT:
      return toNum(a.i);
    case AttributeType.STRING:
      return utf8.decode(a.s ?? new Uint8Array());
    case AttributeType.TENSOR:
      return decodeTensor(a.t, "tensor attribute");
    case AttributeType.FLOATS:
      return [...(a.floats ?? [])];
    case AttributeType.INTS:
      return (a.ints ?? []).map(toNum);
    case AttributeType.STRINGS:
      return (a.strings ?? []).map((s: Uint8Array) => utf8.decode(s));
    default:
      throw new OnnxError(`attribute type ${type} (graphs, sparse tensors, type protos) is not supported`);
  }
}

function decodeValueInfo(v: Msg): ValueInfo {
  const tt = v.type?.tensor_type;
  const dims = tt?.shape?.dim;
  return {
    name: v.name ?? "",
    elemType: tt?.elem_type ?? 0,
    shape: tt?.shape
      ? (dims ?? []).map((d: Msg) => (d.dim_param ? String(d.dim_param) : toNum(d.dim_value)))
      : null,
  };
}

const ELEMENT_BYTES: Record<number, number> = {
  [TensorDataType.FLOAT]: 4,
  [TensorDataType.DOUBLE]: 8,
  [TensorDataType.INT64]: 8,
  [TensorDataType.UINT64]: 8,
  [TensorDataType.INT32]: 4,
  [TensorDataType.UINT32]: 4,
  [TensorDataType.INT16]: 2,
  [TensorDataType.UINT16]: 2,
  [TensorDataType.INT8]: 1,
  [TensorDataType.UINT8]: 1,
  [TensorDataType.BOOL]: 1,
};

const TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(TensorDataType).map(([k, v]) => [v, k]),
);

/** Decodes a TensorProto (raw_data or the typed repeated fields) and checks its element count. */
export function decodeTensor(t: Msg, what: string): OnnxTensor {
  const name: string = t.name ?? "";
  const dims: number[] = (t.dims ?? []).map(toNum);
  const dataType: number = t.data_type ?? 0;
  const fail = (why: string): never => {
    throw new OnnxError(`${what}: ${why}`);
  };
  if (t.data_location === 1) fail("external data files are not supported; save the model with data inline");
  const bytesPer = ELEMENT_BYTES[dataType];
  if (!bytesPer) {
    fail(
      `data type ${TYPE_NAMES[dataType] ?? dataType} is not supported (use FLOAT, DOUBLE or an integer type)`,
    );
  }
  if (dims.some((d) => d < 0)) fail(`negative dimension in [${dims.join(", ")}]`);
  const count = dims.reduce((a, b) => a * b, 1);
  const raw: Uint8Array | undefined = t.raw_data?.length ? t.raw_data : undefined;
  let data: TensorData;
  if (raw) {
    if (raw.length !== count * bytesPer) {
      fail(`raw_data has ${raw.length} bytes, but dims [${dims.join(", ")}] need ${count * bytesPer}`);
    }
    data = fromRaw(raw, dataType, count);
  } else {
    data = fromTyped(t, dataType);
    if (data.length !== count) {
      fail(`holds ${data.length} values, but dims [${dims.join(", ")}] need ${count}`);
    }
  }
  return { name, dataType, dims, data };
}

/** raw_data is little-endian and may sit at any byte offset: read through a DataView. */
function fromRaw(raw: Uint8Array, dataType: number, count: number): TensorData {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (dataType) {
    case TensorDataType.FLOAT:
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
    case TensorDataType.DOUBLE:
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(i * 8, true));
    case TensorDataType.INT64:
      return BigInt64Array.from({ length: count }, (_, i) => view.getBigInt64(i * 8, true));
    case TensorDataType.UINT64:
      return BigUint64Array.from({ length: count }, (_, i) => view.getBigUint64(i * 8, true));
    case TensorDataType.INT32:
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
    case TensorDataType.UINT32:
      // Stored as int32 would wrap: keep exact values in a Float64Array.
      return Float64Array.from({ length: count }, (_, i) => view.getUint32(i * 4, true));
    case TensorDataType.INT16:
      return Int32Array.from({ length: count }, (_, i) => view.getInt16(i * 2, true));
    case TensorDataType.UINT16:
      return Int32Array.from({ length: count }, (_, i) => view.getUint16(i * 2, true));
    case TensorDataType.INT8:
      return Int32Array.from({ length: count }, (_, i) => view.getInt8(i));
    default:
      return Int32Array.from({ length: count }, (_, i) => view.getUint8(i));
  }
}

/** The typed fields: float_data, double_data, int64_data, uint64_data, or int32_data for small ints. */
function fromTyped(t: Msg, dataType: number): TensorData {
  switch (dataType) {
    case TensorDataType.FLOAT:
      return Float32Array.from(t.float_data ?? []);
    case TensorDataType.DOUBLE:
      return Float64Array.from(t.double_data ?? []);
    case TensorDataType.INT64:
      return BigInt64Array.from((t.int64_data ?? []).map((v: unknown) => BigInt(String(v))));
    case TensorDataType.UINT64:
      return BigUint64Array.from((t.uint64_data ?? []).map((v: unknown) => BigInt(String(v))));
    case TensorDataType.UINT32:
      return Float64Array.from((t.uint64_data ?? []).map((v: unknown) => Number(String(v))));
    default:
      return Int32Array.from(t.int32_data ?? []);
  }
}
