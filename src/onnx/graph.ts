// The plain typed graph readOnnx produces: protobuf details (Long, bytes, enums) are decoded
// once here, so the executor and the importer work on ordinary TypeScript values.

/** Tensor element storage by ONNX data type: float, double, 64-bit ints, and the rest as int32. */
export type TensorData = Float32Array | Float64Array | BigInt64Array | BigUint64Array | Int32Array;

export interface OnnxTensor {
  name: string;
  /** ONNX TensorProto.DataType number (1 = FLOAT, 7 = INT64, 11 = DOUBLE, ...). */
  dataType: number;
  dims: number[];
  data: TensorData;
}

export type AttrValue = number | string | number[] | string[] | OnnxTensor;

export interface OnnxNode {
  /** Position in the file's node list, for messages about unnamed nodes. */
  index: number;
  name: string;
  opType: string;
  domain: string;
  /** "" marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttrValue>;
  /** The file's ai.onnx opset (for ops whose defaults changed between opsets, e.g. Softmax's axis). */
  opset?: number;
}

export interface ValueInfo {
  name: string;
  /** ONNX element type, 0 when the file does not say. */
  elemType: number;
  /** Dimensions (symbolic ones as strings), or null when the file gives no shape. */
  shape: (number | string)[] | null;
}

export interface OnnxGraph {
  name: string;
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
  /** Graph inputs that are not initializers: the values a caller feeds. */
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  valueInfo: Map<string, ValueInfo>;
  /** FINN/QONNX quantization annotations: tensor name → {finn_datatype: "INT2", ...}. */
  annotations: Map<string, Record<string, string>>;
}

/** `"MatMul_0" (MatMul)`, or `node #3 (MVAU_hls)` for unnamed nodes. */
export function nodeLabel(node: OnnxNode): string {
  return node.name ? `node "${node.name}" (${node.opType})` : `node #${node.index} (${node.opType}, unnamed)`;
}

/** The FINN datatype annotated on a tensor, if any. */
export function annotatedDatatype(graph: OnnxGraph, tensor: string): string | undefined {
  return graph.annotations.get(tensor)?.finn_datatype;
}
