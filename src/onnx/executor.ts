// Reference executor: runs an ONNX graph node by node with the op semantics of ops.ts. It is
// the golden reference for imported models and deliberately shares nothing with the importer
// except those op functions.
import { OnnxError } from "./errors.js";
import { nodeLabel, type OnnxGraph, type OnnxNode } from "./graph.js";
import { canonicalOp } from "./op-names.js";
import { runNodeOutputs } from "./ops.js";
import { fromOnnx, inFloat64, size, type Tensor } from "./tensor.js";

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

/** Runs the graph on named inputs; returns every tensor's value (initializers included). */
export function executeAll(graph: OnnxGraph, feeds: Record<string, Tensor>): Map<string, Tensor> {
  const values = new Map<string, Tensor>();
  for (const [name, t] of graph.initializers) values.set(name, fromOnnx(t));
  for (const input of graph.inputs) {
    const t = feeds[input.name];
    if (!t) throw new OnnxError(`no value fed for graph input "${input.name}"`);
    values.set(input.name, t);
  }
  for (const node of topoSort(graph)) {
    const ins = node.inputs.map((name) => (name === "" ? undefined : values.get(name)));
    const outs = runNodeOutputs(node, ins);
    node.outputs.forEach((name, i) => {
      if (name !== "" && outs[i]) values.set(name, outs[i]);
    });
  }
  return values;
}

/** Runs the graph on named inputs; returns every graph output. */
export function executeOnnx(graph: OnnxGraph, feeds: Record<string, Tensor>): Record<string, Tensor> {
  const values = executeAll(graph, feeds);
  const out: Record<string, Tensor> = {};
  for (const o of graph.outputs) out[o.name] = values.get(o.name)!;
  return out;
}

/**
 * Declared shape of the single graph input. Axis 0 may be symbolic (`dim_param`, or 0/absent):
 * the batch, taken as 1. A symbolic dimension anywhere else is an error naming it.
 */
export function inputShape(graph: OnnxGraph): number[] {
  const input = graph.inputs[0];
  if (!input?.shape) throw new OnnxError("the graph input has no declared shape");
  return input.shape.map((d, i) => {
    if (typeof d === "number" && d > 0) return d;
    if (i === 0) return 1;
    const what = typeof d === "string" ? `symbolic ("${d}")` : `${d}`;
    throw new OnnxError(
      `graph input "${input.name}": dimension ${i} is ${what}; only the batch dimension (axis 0) may be symbolic`,
    );
  });
}

/** Refuses NaN and ±∞: no quantizer defines a code for them. */
export function checkFinite(input: ArrayLike<number>): void {
  for (let i = 0; i < input.length; i++) {
    if (!Number.isFinite(input[i]!))
      throw new OnnxError(`input element ${i} is ${input[i]}; inputs must be finite numbers`);
  }
}

/** Ops whose outputs are decisions (a code or an index) that float32 rounding can flip. */
const DECISION_OPS = new Set([
  "Quant",
  "BipolarQuant",
  "Trunc",
  "MultiThreshold",
  "Thresholding",
  "MVAU",
  "Sign",
  "TopK",
  "ArgMax",
]);

/**
 * How many quantizer decisions (elements of Quant, MultiThreshold, TopK, ... outputs) change when
 * the graph runs in float64 instead of float32 on this input: 0 means the input lies clear of
 * every decision boundary, so exact integer hardware and the float32 graph must agree on it.
 */
export function boundaryDecisions(graph: OnnxGraph, input: ArrayLike<number>): number {
  const dims = inputShape(graph);
  checkFinite(input);
  const feed = () => ({ [graph.inputs[0]!.name]: { dims, data: Float64Array.from(input, Math.fround) } });
  const narrow = executeAll(graph, feed());
  const wide = inFloat64(() => executeAll(graph, feed()));
  let flips = 0;
  for (const node of graph.nodes) {
    if (!DECISION_OPS.has(canonicalOp(node.opType) ?? "")) continue;
    for (const name of node.outputs) {
      const a = narrow.get(name)?.data;
      const b = wide.get(name)?.data;
      if (!a || !b) continue;
      for (let i = 0; i < a.length; i++) {
        if (Math.abs(a[i]! - b[i]!) > 1e-5 * Math.max(1, Math.abs(a[i]!), Math.abs(b[i]!))) flips++;
      }
    }
  }
  return flips;
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
  checkFinite(input);
  const t: Tensor = { dims, data: Float64Array.from(input, Math.fround) };
  const out = executeOnnx(graph, { [graph.inputs[0]!.name]: t });
  return out[graph.outputs[0]!.name]!.data;
}
