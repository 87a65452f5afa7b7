// Inputs on which an imported ONNX graph decides within float32 rounding of a quantizer, threshold
// or arg-max boundary (boundaryDecisions: the graph run in float32 and in float64 disagree). Loom
// computes exact integers, so on these inputs its result can differ from a float32 runtime's
// (onnxruntime, the exporter's framework); `loom sim` counts and names them, never silently.
import { boundaryDecisions } from "../onnx/executor.js";
import type { OnnxGraph } from "../onnx/graph.js";

/** Inputs named in the stderr line (the JSON lists them all). */
const NAMED = 10;

export interface BoundaryTally {
  /** Checks one float input (as the graph takes it), the `index`-th of the run. */
  check(x: ArrayLike<number>, index: number): void;
  /** Indices of the inputs near a boundary, in order. */
  readonly indices: number[];
  /** One line for stderr, or undefined when no input was near a boundary. */
  summary(total: number, what: string): string | undefined;
}

export function boundaryTally(graph: OnnxGraph): BoundaryTally {
  const indices: number[] = [];
  return {
    indices,
    check(x, index) {
      if (boundaryDecisions(graph, x) > 0) indices.push(index);
    },
    summary(total, what) {
      if (indices.length === 0) return undefined;
      const named = indices.slice(0, NAMED).map((i) => `${what}[${i}]`);
      const more = indices.length > NAMED ? `, … (${indices.length - NAMED} more)` : "";
      return (
        `loom sim: ${indices.length} of ${total} inputs (${named.join(", ")}${more}) lie within float32 rounding of a ` +
        "decision boundary of the graph: there Loom's exact integer result can differ from a float32 runtime's"
      );
    },
  };
}
