// How each canonical node is used: how many places read it, whether one of them needs it as a
// name (a bit select or a sign extension reads `x[i]`, which Verilog allows only on a name),
// and which of its bits are read at all (for per-signal UNUSEDSIGNAL waivers).
import type { Expr } from "../dsl/expr.js";

/** An unnamed cast changes no bit: the emitter looks through it. */
export function throughCasts(e: Expr): Expr {
  while (e.op === "cast" && e.name === undefined) e = e.args[0]!;
  return e;
}

/** Widths each operand of `e` is extended to when rendered (undefined: used as it is). */
export function operandWidths(e: Expr): Array<number | undefined> {
  const [a, b] = e.args;
  switch (e.op) {
    case "add":
    case "sub":
    case "and":
    case "or":
    case "xor":
    case "mul":
      return [e.width, e.width];
    case "dshl":
      return [e.width, undefined];
    case "mux":
      return [undefined, e.width, e.width];
    case "eq":
    case "ne":
    case "lt":
    case "le":
    case "gt":
    case "ge": {
      const w = Math.max(a!.width, b!.width);
      return [w, w];
    }
    case "ext":
      return [e.width];
    default:
      return e.args.map(() => undefined);
  }
}

/** Whether rendering `e` slices operand `i` (`x[7:0]`, which Verilog allows only on a name). */
function slices(e: Expr, i: number): boolean {
  return (e.op === "bits" || e.op === "shr") && i === 0 && e.args[0]!.width > 1;
}

/** Whether rendering `e` reads the sign bit of operand `i` to extend it. */
function readsSignBit(e: Expr, i: number): boolean {
  const arg = e.args[i]!;
  const target = operandWidths(e)[i];
  const signExtends = e.op === "ext" ? e.param.signExtend! : arg.signed;
  return target !== undefined && target > arg.width && signExtends && arg.width > 1 && arg.op !== "lit";
}

/** Bits [lo, hi] of the operand that `e` reads; undefined when it reads all of them. */
function bitsRead(e: Expr): { hi: number; lo: number } | undefined {
  const w = e.args[0]!.width;
  if (e.op === "bits") return { hi: e.param.hi!, lo: e.param.lo! };
  // A signed shift by the whole width or more leaves the sign bit.
  if (e.op === "shr") return { hi: w - 1, lo: Math.min(e.param.amount!, w - 1) };
  return undefined;
}

export class Usage {
  /** Readers of each node: parents (each counted once) plus roots. */
  readonly uses = new Map<Expr, number>();
  /** Nodes some reader slices: they need a name. */
  readonly sliced = new Set<Expr>();
  /** Nodes some reader sign-extends: their top bit must be selectable. */
  readonly signExtended = new Set<Expr>();
  /** Read bits of each node and signal, one flag per bit; absent means never read. */
  private readonly read = new Map<Expr, boolean[]>();
  private readonly visited = new Set<Expr>();

  addRoot(root: Expr): void {
    const r = throughCasts(root);
    this.count(r);
    this.mark(r, 0, r.width - 1);
    const stack = [r];
    while (stack.length > 0) {
      const e = stack.pop()!;
      if (this.visited.has(e)) continue;
      this.visited.add(e);
      e.args.forEach((raw, i) => {
        const a = throughCasts(raw);
        this.count(a);
        if (slices(e, i)) this.sliced.add(a);
        if (readsSignBit(e, i)) this.signExtended.add(a);
        const part = bitsRead(e);
        if (part && i === 0) this.mark(a, part.lo, part.hi);
        else this.mark(a, 0, a.width - 1);
        stack.push(a);
      });
    }
  }

  private count(e: Expr): void {
    this.uses.set(e, (this.uses.get(e) ?? 0) + 1);
  }

  private mark(e: Expr, lo: number, hi: number): void {
    let flags = this.read.get(e);
    if (!flags) this.read.set(e, (flags = new Array<boolean>(e.width).fill(false)));
    for (let i = lo; i <= hi; i++) flags[i] = true;
  }

  /** True when every bit of `e` (below `width`, if given) is read somewhere. */
  wholeRead(e: Expr, width = e.width): boolean {
    return this.read.get(e)?.slice(0, width).every(Boolean) ?? false;
  }

  /** One more than the highest bit of `e` read anywhere. */
  readWidth(e: Expr): number {
    return (this.read.get(e)?.lastIndexOf(true) ?? -1) + 1;
  }

  isRead(e: Expr): boolean {
    return this.read.has(e);
  }
}
