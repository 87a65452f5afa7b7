// When-expansion with last-connect semantics: statements inside when / elsewhen / otherwise
// become mux chains. A register keeps its value on paths that do not assign it; any other
// signal left unassigned on some path keeps an `undef` leaf, which the checks report as a latch.
import { ElaborationError } from "./errors.js";
import { type Expr, lit, mux, undef } from "./expr.js";
import type { MemoryIR, MemoryReadPort } from "./ir.js";
import type { SourceLocation } from "./location.js";
import type { Signal } from "./signal.js";

export type Statement =
  | { kind: "connect"; target: Signal; value: Expr; location: SourceLocation }
  | {
      kind: "when";
      branches: Array<{ cond: Expr; body: Statement[]; location: SourceLocation }>;
      otherwise?: Statement[];
    }
  | { kind: "read"; port: MemoryReadPort }
  | { kind: "write"; memory: MemoryIR; addr: Expr; data: Expr; enable: Expr; location: SourceLocation };

export interface WriteRecord {
  memory: MemoryIR;
  addr: Expr;
  data: Expr;
  enable: Expr;
  location: SourceLocation;
}

/** Assignments made in one scope, falling back to the enclosing scope's values. */
class Scope {
  readonly local = new Map<Signal, Expr>();
  constructor(private readonly parent?: Scope) {}
  get(s: Signal): Expr | undefined {
    return this.local.get(s) ?? this.parent?.get(s);
  }
}

const ONE = lit(1, { kind: "ground", signed: false, width: 1 });

function and(a: Expr | undefined, b: Expr): Expr {
  if (!a) return b;
  return a.and(b);
}

export function expandStatements(
  root: Statement[],
  regs: readonly Signal[],
): { drivers: Map<Signal, Expr>; writes: WriteRecord[] } {
  const writes: WriteRecord[] = [];
  const isReg = new Set(regs);
  const initial = (s: Signal): Expr => (isReg.has(s) ? s : undef(s.type));

  const run = (stmts: Statement[], scope: Scope, path: Expr | undefined): void => {
    for (const st of stmts) {
      switch (st.kind) {
        case "connect":
          scope.local.set(st.target, st.value);
          break;
        case "read":
          st.port.enable = path ? path.and(st.port.enable) : st.port.enable;
          break;
        case "write":
          writes.push({ ...st, enable: and(path, st.enable) });
          break;
        case "when": {
          const branchScopes: Scope[] = [];
          let notPrevious: Expr | undefined;
          for (const b of st.branches) {
            const s = new Scope(scope);
            run(b.body, s, and(path, notPrevious ? notPrevious.and(b.cond) : b.cond));
            branchScopes.push(s);
            notPrevious = and(notPrevious, b.cond.not());
          }
          const otherwise = new Scope(scope);
          if (st.otherwise) run(st.otherwise, otherwise, and(path, notPrevious ?? ONE));
          const touched = new Set<Signal>();
          for (const s of [...branchScopes, otherwise]) for (const k of s.local.keys()) touched.add(k);
          for (const sig of touched) {
            const outer = scope.get(sig) ?? initial(sig);
            let v = otherwise.local.get(sig) ?? outer;
            for (let i = st.branches.length - 1; i >= 0; i--) {
              const taken = branchScopes[i]!.local.get(sig) ?? outer;
              v = taken === v ? v : mux(st.branches[i]!.cond, taken, v);
            }
            scope.local.set(sig, v);
          }
          break;
        }
      }
    }
  };

  const top = new Scope();
  run(root, top, undefined);
  return { drivers: top.local, writes };
}

/** True when `e` can evaluate to an unassigned value (an undef leaf under muxes). */
export function hasUndef(e: Expr): boolean {
  if (e.op === "undef") return true;
  if (e.op === "mux") return hasUndef(e.args[1]!) || hasUndef(e.args[2]!);
  return false;
}

export function assertNoUndef(sig: Signal, value: Expr): void {
  if (value.op === "undef") throw new ElaborationError(`"${sig.signalName}" is never driven`, sig.location);
  if (hasUndef(value)) {
    throw new ElaborationError(
      `"${sig.signalName}" is not assigned in every branch of a when-block (it would infer a latch); give it a default before the when or add an otherwise`,
      sig.location,
    );
  }
}
