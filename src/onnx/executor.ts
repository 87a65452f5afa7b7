// Reference executor: runs an ONNX graph node by node with the op semantics of ops.ts. It is
// the golden reference for imported models and deliberately shares nothing with the importer
// except those op functions.
import { OnnxError } from "./errors.js";
import { nodeLabel, type OnnxGraph, type OnnxNode } from "./graph.js";
import { runNode } from "./ops.js";
import { fromOnnx, size, type Tensor } from "./tensor.js";

/** Nodes in an order where every input is computed first (files are usually sorted already). */
export function topoSort(graph: OnnxGraph): OnnxNode[] {
  const ready = new Set<string>(["", ...graph.initializers.keys(), ...graph.inputs.map((v) => v.name)]);
  const pending = [...graph.nodes];
  const order: OnnxNode[] = [];
  while (pending.length > 0) {
    const i = pending.findIndex((n) => n.inputs.every((x) => ready.has(x)));
    if (i < 0)
      throw new OnnxError(`${nodeLabel(pending[0]!)} is part of a cycle or waits for a missing input`);
    const [node] = pending.splice(i, 1);
    order.push(node!);
    for (const o of node!.outputs) ready.add(o);
  }
  return order;
}

/** Runs the graph on named inputs; returns every graph output. */
export function executeOnnx(graph: OnnxGraph, feeds: Record<string, Tensor>): Record<string, Tensor> {
  const values = new Map<string, Tensor>();
  for (const [name, t] of graph.initializers) values.set(name, fromOnnx(t));
  for (const input of graph.inputs) {
    const t = feeds[input.name];
    if (!t) throw new OnnxError(`no value fed for graph input "${input.name}"`);
    values.set(input.name, t);
  }
  for (const node of topoSort(graph)) {
    const ins = node.inputs.map((name) => (name === "" ? undefined : values.get(name)));
    values.set(node.outputs[0]!, runNode(node, ins));
  }
  const out: Record<string, Tensor> = {};
  for (const o of graph.outputs) out[o.name] = values.get(o.name)!;
  return out;
}

/** Declared shape of the single graph input, with symbolic or missing batch dims taken as 1. */
export function inputShape(graph: OnnxGraph): number[] {
  const input = graph.inputs[0];
  if (!input?.shape) throw new OnnxError("the graph input has no declared shape");
  return input.shape.map((d) => (typeof d === "number" && d > 0 ? d : 1));
}

/**
 * One sample through a single-input, single-output graph: the flat input is reshaped to the
 * declared input shape and the output comes back flat (float32 values as numbers).
 */
export function runOnnx(graph: OnnxGraph, input: ArrayLike<number>): Float64Array {
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
    throw new OnnxError(
      `runOnnx needs one input and one output, the graph has ${graph.inputs.length} and ${graph.outputs.length}`,
    );
  }
  const dims = inputShape(graph);
  if (input.length !== size(dims)) {
    throw new OnnxError(`input has ${input.length} values, the graph input [${dims}] needs ${size(dims)}`);
  }
  const t: Tensor = { dims, data: Float64Array.from(input, Math.fround) };
  const out = executeOnnx(graph, { [graph.inputs[0]!.name]: t });
  return out[graph.outputs[0]!.name]!.data;
}
