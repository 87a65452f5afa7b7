// The importer's view of a graph: constants folded away, then one path of nodes from the graph
// input to the graph output, cut into a host segment and one segment per linear op (MatMul,
// Gemm, MVAU) holding the element-wise chain that follows it.
import { attrInt } from "./attributes.js";
import { OnnxError } from "./errors.js";
import { executeAll, inputShape, topoSort } from "./executor.js";
import { nodeLabel, type OnnxGraph, type OnnxNode } from "./graph.js";
import { canonicalOp, supportedOpsText } from "./op-names.js";
import { SHAPE_ONLY_OPS } from "./ops-shape.js";
import { TAIL_OPS } from "./ops-tail.js";
import { fromOnnx, size, type Tensor } from "./tensor.js";

/** A node on the data path, the name of its one non-constant input, and which output goes on. */
export interface PathNode {
  node: OnnxNode;
  dynamic: string;
  output: number;
}

export interface Segment {
  linear: PathNode;
  chain: PathNode[];
}

export interface GraphPath {
  consts: Map<string, Tensor>;
  producers: Map<string, OnnxNode>;
  /** Dimensions of every tensor (batch 1), from running the graph once. */
  shapes: Map<string, number[]>;
  host: PathNode[];
  layers: Segment[];
  /** Post-processing after the last layer (Softmax, LogSoftmax, TopK, ArgMax, ...): on the host. */
  tail: PathNode[];
}

export const LINEAR_OPS = new Set(["MatMul", "Gemm", "MVAU", "Conv"]);

/** FINN's lowered convolution (streamlined and dataflow forms): refused with what to do instead. */
const LOWERED_CONV_OPS = new Set([
  "Im2Col",
  "ConvolutionInputGenerator",
  "ConvolutionInputGenerator_hls",
  "ConvolutionInputGenerator_rtl",
]);

/**
 * Runs the graph once on a zero input of the declared shape: every tensor's shape is then known,
 * so the shape arithmetic exporters write (Shape → Gather → Unsqueeze → Concat → Reshape) folds
 * to constants, and every declared shape is checked against what the graph computes.
 */
function foldConstants(order: OnnxNode[], graph: OnnxGraph) {
  const dims = inputShape(graph);
  const values = executeAll(graph, { [graph.inputs[0]!.name]: { dims, data: new Float64Array(size(dims)) } });
  checkDeclaredShapes(graph, values);
  const consts = new Map<string, Tensor>();
  for (const [name, t] of graph.initializers) consts.set(name, fromOnnx(t));
  const producers = new Map<string, OnnxNode>();
  for (const node of order) {
    const real = node.inputs.filter((n) => n !== "");
    const constant =
      SHAPE_ONLY_OPS.has(node.opType) ||
      (real.every((n) => consts.has(n)) && (real.length > 0 || node.opType === "Constant"));
    if (!constant) continue;
    for (const out of node.outputs) {
      if (out === "") continue;
      consts.set(out, values.get(out)!);
      producers.set(out, node);
    }
  }
  return { consts, producers, values };
}

/** Every declared tensor shape (graph outputs, value_info) must be what the graph computes. */
function checkDeclaredShapes(graph: OnnxGraph, values: Map<string, Tensor>): void {
  const producer = new Map<string, OnnxNode>();
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n);
  for (const [name, info] of graph.valueInfo) {
    const t = values.get(name);
    if (!info.shape || !t || graph.initializers.has(name)) continue;
    const fits =
      info.shape.length === t.dims.length &&
      info.shape.every(
        (d, i) => typeof d === "string" || d <= 0 || d === t.dims[i] || (i === 0 && t.dims[0] === 1),
      );
    if (!fits) {
      const by = producer.get(name);
      throw new OnnxError(
        `${by ? `${nodeLabel(by)}: ` : ""}tensor "${name}" is declared [${info.shape}] but the graph computes [${t.dims}]`,
      );
    }
  }
}

export function graphPath(graph: OnnxGraph): GraphPath {
  for (const node of graph.nodes) {
    if (LOWERED_CONV_OPS.has(node.opType)) {
      throw new OnnxError(
        `${nodeLabel(node)}: op ${node.opType} (FINN's convolution lowered to Im2Col + MatMul) is not supported; ` +
          "import the graph from before FINN's LowerConvsToMatMul, whose Conv nodes Loom imports as conv layers",
      );
    }
    if (!canonicalOp(node.opType)) {
      throw new OnnxError(`${nodeLabel(node)}: op ${node.opType} is not supported; ${supportedOpsText()}`);
    }
  }
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
    throw new OnnxError(
      `Loom imports graphs with one input and one output; this one has ${graph.inputs.length} inputs and ${graph.outputs.length} outputs`,
    );
  }
  const order = topoSort(graph);
  const { consts, producers, values } = foldConstants(order, graph);
  const shapes = new Map([...values].map(([name, t]) => [name, t.dims]));
  const dynamicNodes = order.filter((n) => !producers.has(n.outputs[0]!));
  const consumers = new Map<string, OnnxNode[]>();
  for (const node of dynamicNodes) {
    for (const name of new Set(node.inputs)) {
      if (!consts.has(name) && name !== "") consumers.set(name, [...(consumers.get(name) ?? []), node]);
    }
  }
  const path: PathNode[] = [];
  const outputName = graph.outputs[0]!.name;
  let cur = graph.inputs[0]!.name;
  while (cur !== outputName) {
    const next = consumers.get(cur) ?? [];
    if (next.length === 0)
      throw new OnnxError(`tensor "${cur}" is used by no node, but it is not the graph output`);
    if (next.length > 1) {
      throw new OnnxError(
        `tensor "${cur}" feeds ${next.length} nodes (${next.map(nodeLabel).join(", ")}); only a single chain of layers is supported`,
      );
    }
    const node = next[0]!;
    if (node.inputs.filter((n) => n === cur).length > 1) {
      throw new OnnxError(`${nodeLabel(node)}: uses the data tensor twice (a branch, not supported)`);
    }
    // Multi-output nodes (TopK: values, indices) continue on the one output that is used.
    const used = node.outputs
      .map((o, i) => ({ o, i }))
      .filter(({ o }) => o !== "" && (o === outputName || consumers.has(o)));
    if (used.length !== 1) {
      throw new OnnxError(
        `${nodeLabel(node)}: ${used.length === 0 ? "none" : used.length} of its outputs are used; only a single chain of layers is supported`,
      );
    }
    path.push({ node, dynamic: cur, output: used[0]!.i });
    cur = used[0]!.o;
  }
  const stray = dynamicNodes.find((n) => !path.some((p) => p.node === n));
  if (stray) throw new OnnxError(`${nodeLabel(stray)} is not on the path from the graph input to its output`);
  return { consts, producers, shapes, ...cut(path) };
}

function cut(path: PathNode[]): { host: PathNode[]; layers: Segment[]; tail: PathNode[] } {
  const host: PathNode[] = [];
  const layers: Segment[] = [];
  const tail: PathNode[] = [];
  for (const p of path) {
    const op = canonicalOp(p.node.opType)!;
    if (tail.length > 0 || TAIL_OPS.has(op)) {
      if (LINEAR_OPS.has(op)) {
        throw new OnnxError(
          `${nodeLabel(tail[0]!.node)}: ${tail[0]!.node.opType} only runs after the last layer (on the host), but ${nodeLabel(p.node)} follows`,
        );
      }
      tail.push(p);
    } else if (LINEAR_OPS.has(op)) {
      if (p.node.inputs[0] !== p.dynamic) {
        throw new OnnxError(
          `${nodeLabel(p.node)}: the data must be the first operand (x · W), not the weights`,
        );
      }
      if (op === "Gemm" && attrInt(p.node, "transA", 0) === 1) {
        throw new OnnxError(`${nodeLabel(p.node)}: Gemm with transA = 1 on the data is not supported`);
      }
      layers.push({ linear: p, chain: [] });
    } else if (layers.length === 0) host.push(p);
    else layers[layers.length - 1]!.chain.push(p);
  }
  if (layers.length === 0) throw new OnnxError("the graph has no MatMul, Gemm, Conv or MVAU layer");
  return { host, layers, tail };
}
