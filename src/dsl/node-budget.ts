// The node budget of an elaboration: a design that builds expressions, statements or signals
// without end (a loop whose exit condition is never met) stops with one clear error instead of
// growing until Node runs out of memory and aborts with a V8 trace.
import { ElaborationError } from "./errors.js";

/**
 * Nodes (expression nodes, statements and declared signals) one elaboration may build. The
 * largest shipped accelerator (`loom gen --board zcu104`) builds 119,560 nodes; the default
 * leaves a margin of 40 and stops a runaway design at well under 2 GB of heap. Override it with `elaborate(…, { nodeBudget })` or `loom emit
 * --node-budget`.
 */
export const DEFAULT_NODE_BUDGET = 5_000_000;

/** The budget ran out; code that turns errors into its own message must let this one through. */
export class NodeBudgetError extends ElaborationError {
  override name = "NodeBudgetError";
}

let used = 0;
let limit = Number.POSITIVE_INFINITY;
let active = false;
let spent = false;

/** Counts one node of the running elaboration; throws when the budget is spent. */
export function countNode(): void {
  if (++used > limit && !spent) {
    spent = true; // cleanup code running while the error unwinds must not throw it again
    throw new NodeBudgetError(
      `the design built more than ${limit.toLocaleString("en-US")} nodes (expressions, statements and signals); does a loop never end? (the limit is the node budget, --node-budget)`,
    );
  }
}

/**
 * Runs `body` under a budget of `budget` nodes and returns its result with the nodes it built.
 * An elaboration started inside another one counts against the outer budget.
 */
export function withNodeBudget<T>(budget: number, body: () => T): { result: T; nodes: number } {
  if (active) {
    const before = used;
    return { result: body(), nodes: used - before };
  }
  if (!(Number.isInteger(budget) && budget > 0)) {
    throw new ElaborationError(`the node budget must be a whole number above 0 (got ${budget})`);
  }
  active = true;
  spent = false;
  used = 0;
  limit = budget;
  try {
    return { result: body(), nodes: used };
  } finally {
    active = false;
    limit = Number.POSITIVE_INFINITY;
  }
}
