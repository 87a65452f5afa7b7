// The importer's view of a graph: constants folded away, then one path of nodes from the graph
// input to the graph output, cut into a host segment and one segment per linear op (MatMul,
// Gemm, MVAU) holding the element-wise chain that follows it.
import { attrInt } from "./attributes.js";
import { OnnxError } from "./errors.js";
import { topoSort } from "./executor.js";
import { nodeLabel, type OnnxGraph, type OnnxNode } from "./graph.js";
import { canonicalOp, supportedOpsText } from "./op-names.js";
import { runNode } from "./ops.js";
import { fromOnnx, type Tensor } from "./tensor.js";

/** A node on the data path and the name of its one non-constant input. */
export interface PathNode {
  node: OnnxNode;
  dynamic: string;
}

export interface Segment {
  linear: PathNode;
  chain: PathNode[];
}

export interface GraphPath {
  consts: Map<string, Tensor>;
  producers: Map<string, OnnxNode>;
  host: PathNode[];
  layers: Segment[];
}

export const LINEAR_OPS = new Set(["MatMul", "Gemm", "MVAU"]);

/** Evaluates every node whose inputs are all constants (weight quantizers, transposes). */
function foldConstants(order: OnnxNode[], graph: OnnxGraph) {
  const consts = new Map<string, Tensor>();
  for (const [name, t] of graph.initializers) consts.set(name, fromOnnx(t));
  const producers = new Map<string, OnnxNode>();
  for (const node of order) {
    const real = node.inputs.filter((n) => n !== "");
    if (real.every((n) => consts.has(n)) && (real.length > 0 || node.opType === "Constant")) {
      consts.set(
        node.outputs[0]!,
        runNode(
          node,
          node.inputs.map((n) => consts.get(n)),
        ),
      );
      producers.set(node.outputs[0]!, node);
    }
  }
  return { consts, producers };
}

export function graphPath(graph: OnnxGraph): GraphPath {
  for (const node of graph.nodes) {
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
  const { consts, producers } = foldConstants(order, graph);
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
    if (node.inputs.filter((n) => n === cur).length > 1 || node.outputs.length > 1) {
      throw new OnnxError(
        `${nodeLabel(node)}: uses the data tensor twice or has several outputs (not supported)`,
      );
    }
    path.push({ node, dynamic: cur });
    cur = node.outputs[0]!;
  }
  const stray = dynamicNodes.find((n) => !path.some((p) => p.node === n));
  if (stray) throw new OnnxError(`${nodeLabel(stray)} is not on the path from the graph input to its output`);
  return { consts, producers, ...cut(path) };
}

function cut(path: PathNode[]): { host: PathNode[]; layers: Segment[] } {
  const host: PathNode[] = [];
  const layers: Segment[] = [];
  for (const p of path) {
    const op = canonicalOp(p.node.opType)!;
    if (LINEAR_OPS.has(op)) {
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
  if (layers.length === 0) throw new OnnxError("the graph has no MatMul, Gemm or MVAU layer");
  return { host, layers };
}
