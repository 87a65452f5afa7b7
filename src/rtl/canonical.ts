// The emitter's view of a module's expressions: one node per distinct expression (structural
// hashing) with identities folded away (`x & 1'b1`, `1'b0 | x`, `c ? 1'b1 : 1'b0`, slices of
// concatenations, casts of casts). The design's own IR is left as it is: the interpreter and
// the checks see exactly what the TypeScript built. Every rule keeps each bit of the value.
import { Expr } from "../dsl/expr.js";
import type { GroundType } from "../dsl/types.js";

const ground = (signed: boolean, width: number): GroundType => ({ kind: "ground", signed, width });
const BOOL = ground(false, 1);
/** The comparison that is true exactly when the key is false. */
const INVERSE: Partial<Record<Expr["op"], Expr["op"]>> = {
  eq: "ne",
  ne: "eq",
  lt: "ge",
  ge: "lt",
  gt: "le",
  le: "gt",
};
const mask = (width: number) => (1n << BigInt(width)) - 1n;

/** The bits of a literal (seen through casts) extended by its own signedness to `width`, or undefined. */
export function constantAt(e: Expr, width: number): bigint | undefined {
  const own = e;
  while (e.op === "cast" && e.name === undefined) e = e.args[0]!;
  if (e.op !== "lit") return undefined;
  const v = e.param.value!;
  if (width <= own.width) return v & mask(width);
  const negative = own.signed && (v >> BigInt(own.width - 1)) & 1n;
  return negative ? BigInt.asUintN(width, v | (~0n << BigInt(own.width))) : v;
}

/**
 * Computes `f(e)` into `memo` for `root` and every operand below it not yet there, operands
 * first; iterative, so very deep expressions do not overflow the JavaScript stack.
 */
export function memoPostOrder<T>(root: Expr, memo: Map<Expr, T>, f: (e: Expr) => T): void {
  const stack: Array<{ e: Expr; expanded: boolean }> = [{ e: root, expanded: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (memo.has(top.e)) {
      stack.pop();
      continue;
    }
    if (!top.expanded) {
      top.expanded = true;
      for (const a of top.e.args) if (!memo.has(a)) stack.push({ e: a, expanded: false });
      continue;
    }
    stack.pop();
    memo.set(top.e, f(top.e));
  }
}

/** True for a value whose rendering is its own name (signals) or a literal. */
function isLeaf(e: Expr): boolean {
  return e.op === "sig" || e.op === "lit";
}

export class Canonicalizer {
  private readonly memo = new Map<Expr, Expr>();
  private readonly table = new Map<string, Expr>();
  /** Names the TypeScript gave to canonical nodes (`x.named("issue")`). */
  private readonly names = new Map<Expr, string>();

  /** The Verilog name the TypeScript asked for, if any. */
  nameOf(e: Expr): string | undefined {
    return e.op === "sig" ? undefined : (e.name ?? this.names.get(e));
  }

  /** Named nodes keep their identity: folding does not look through them. */
  private isNamed(e: Expr): boolean {
    return e.name !== undefined || this.names.has(e);
  }

  /** The canonical node for `e` (iterative, so deep expressions do not overflow the stack). */
  canon(root: Expr): Expr {
    memoPostOrder(root, this.memo, (e) => this.build(e));
    return this.memo.get(root)!;
  }

  private build(e: Expr): Expr {
    if (e.op === "sig") return e;
    if (e.op === "lit") return this.lit(e.type, e.param.value!);
    const args = e.args.map((a) => this.memo.get(a)!);
    let v = this.fold(e.op, e.type, args, e.param) ?? this.make(e.op, e.type, args, e.param);
    if (v.type.signed !== e.signed) v = this.cast(v, e.type);
    // A name asked for in the TypeScript survives folding. It goes to the value itself, so
    // every identical expression reads the name; a value that is already a signal or has a
    // name gets a wire of its own (`wire b = a;`).
    if (e.name === undefined) return v;
    let base = v;
    while (base.op === "cast" && !this.isNamed(base)) base = base.args[0]!;
    if (isLeaf(base) || this.isNamed(base)) return this.make("cast", e.type, [v], {}, e.name);
    this.names.set(base, e.name);
    return v;
  }

  /** Hash-consed node: equal operation, type, parameters and operands give the same object. */
  private make(
    op: Expr["op"],
    type: GroundType,
    args: readonly Expr[],
    param: Expr["param"],
    name?: string,
  ): Expr {
    const p =
      param.value ?? `${param.amount ?? ""},${param.hi ?? ""},${param.lo ?? ""},${param.signExtend ?? ""}`;
    const key = `${op}|${type.signed ? "s" : "u"}${type.width}|${p}|${args.map((a) => a.id).join(",")}|${name ?? ""}`;
    const known = this.table.get(key);
    if (known) return known;
    const made = new Expr(op, type, args, param);
    made.name = name;
    this.table.set(key, made);
    return made;
  }

  private lit(type: GroundType, value: bigint): Expr {
    return this.make("lit", type, [], { value: value & mask(type.width) });
  }

  private cast(x: Expr, type: GroundType): Expr {
    while (x.op === "cast" && !this.isNamed(x)) x = x.args[0]!;
    if (x.signed === type.signed && x.width === type.width) return x;
    if (x.op === "lit") return this.lit(type, x.param.value!);
    return this.make("cast", type, [x], {});
  }

  /** `x` extended by its own signedness to `type`'s width (what an operand of width < result is). */
  private extendOwn(x: Expr, type: GroundType): Expr {
    if (x.width === type.width) return this.cast(x, type);
    const k = constantAt(x, type.width);
    if (k !== undefined) return this.lit(type, k);
    return this.cast(this.extend(x, type.width, x.signed), type);
  }

  private extend(x: Expr, width: number, signExtend: boolean): Expr {
    let inner = x;
    while (inner.op === "cast" && !this.isNamed(inner)) inner = inner.args[0]!;
    // Extending a zero-extension zero-extends; a sign-extension sign-extends once more.
    if (inner.op === "ext" && !this.isNamed(inner) && (!inner.param.signExtend || signExtend))
      return this.extend(inner.args[0]!, width, inner.param.signExtend!);
    return this.make("ext", ground(signExtend, width), [x], { signExtend });
  }

  private fold(op: Expr["op"], type: GroundType, args: Expr[], param: Expr["param"]): Expr | undefined {
    const r = type.width;
    const [a, b, c] = args;
    const k = (x: Expr, w = r) => constantAt(x, w);
    switch (op) {
      case "cast":
        return this.cast(a!, type);
      case "ext": {
        const v = k(a!, a!.width);
        if (v !== undefined) {
          const negative = param.signExtend && (v >> BigInt(a!.width - 1)) & 1n;
          return this.lit(type, negative ? v | (~0n << BigInt(a!.width)) : v);
        }
        return a!.width === r ? this.cast(a!, type) : this.cast(this.extend(a!, r, param.signExtend!), type);
      }
      case "and":
      case "or":
      case "xor":
        return this.bitwise(op, type, a!, b!);
      case "add":
      case "sub":
        if (k(b!) === 0n) return this.extendOwn(a!, type);
        if (op === "add" && k(a!) === 0n) return this.extendOwn(b!, type);
        return undefined;
      case "mul":
        if (k(a!) === 0n || k(b!) === 0n) return this.lit(type, 0n);
        if (k(b!) === 1n) return this.extendOwn(a!, type);
        if (k(a!) === 1n) return this.extendOwn(b!, type);
        return undefined;
      case "not": {
        if (this.isNamed(a!)) return undefined;
        if (a!.op === "not") return a!.args[0]!;
        const inverse = INVERSE[a!.op];
        return inverse ? this.make(inverse, BOOL, a!.args, {}) : undefined;
      }
      case "mux":
        return this.mux(type, a!, b!, c!);
      case "eq":
      case "ne":
        return this.equality(op, a!, b!);
      case "bits":
        return this.slice(a!, param.hi!, param.lo!);
      case "shr":
        // A static shift is a slice (a signed shift by the whole width leaves the sign bit).
        if (!a!.signed && param.amount! >= a!.width) return this.lit(type, 0n);
        return this.cast(this.slice(a!, a!.width - 1, Math.min(param.amount!, a!.width - 1)), type);
      case "dshl":
      case "dshr":
        return k(b!, b!.width) === 0n ? this.extendOwn(a!, type) : undefined;
      case "andr":
      case "orr":
      case "xorr":
        return a!.width === 1 ? this.cast(a!, BOOL) : undefined;
      default:
        return undefined;
    }
  }

  private bitwise(op: "and" | "or" | "xor", type: GroundType, a: Expr, b: Expr): Expr | undefined {
    if (a === b) return op === "xor" ? this.lit(type, 0n) : this.extendOwn(a, type);
    const ones = mask(type.width);
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const v = constantAt(y, type.width);
      if (v === 0n) return op === "and" ? this.lit(type, 0n) : this.extendOwn(x, type);
      if (v === ones) {
        if (op === "and") return this.extendOwn(x, type);
        if (op === "or") return this.lit(type, ones);
        return this.make("not", type, [this.extendOwn(x, type)], {});
      }
    }
    return undefined;
  }

  private mux(type: GroundType, cond: Expr, a: Expr, b: Expr): Expr | undefined {
    const sel = constantAt(cond, 1);
    if (sel !== undefined) return this.extendOwn(sel === 1n ? a : b, type);
    if (a === b) return this.extendOwn(a, type);
    if (type.width === 1) {
      const [x, y] = [constantAt(a, 1), constantAt(b, 1)];
      if (x === 1n && y === 0n) return this.cast(cond, type);
      if (x === 0n && y === 1n) return this.cast(this.make("not", BOOL, [cond], {}), type);
    }
    return undefined;
  }

  /** A one-bit value compared with a constant is that value or its inverse. */
  private equality(op: "eq" | "ne", a: Expr, b: Expr): Expr | undefined {
    if (a.width !== 1 || b.width !== 1) return undefined;
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const v = constantAt(y, 1);
      if (v === undefined) continue;
      const same = this.cast(x, BOOL);
      return (v === 1n) === (op === "eq") ? same : this.make("not", BOOL, [same], {});
    }
    return undefined;
  }

  /** Bits hi..lo of `x`, looking into slices, concatenations and extensions. */
  private slice(x: Expr, hi: number, lo: number): Expr {
    const type = ground(false, hi - lo + 1);
    const v = constantAt(x, x.width);
    if (v !== undefined) return this.lit(type, v >> BigInt(lo));
    if (lo === 0 && hi === x.width - 1) return this.cast(x, type);
    if (!this.isNamed(x)) {
      if (x.op === "cast") return this.slice(x.args[0]!, hi, lo);
      if (x.op === "bits") return this.slice(x.args[0]!, hi + x.param.lo!, lo + x.param.lo!);
      if (x.op === "cat") {
        let top = x.width;
        for (const part of x.args) {
          const bottom = top - part.width;
          if (lo >= bottom && hi < top) return this.slice(part, hi - bottom, lo - bottom);
          top = bottom;
        }
      }
      if (x.op === "shl") {
        const n = x.param.amount!;
        if (lo >= n) return this.slice(x.args[0]!, hi - n, lo - n);
        if (hi < n) return this.lit(type, 0n);
      }
      if (x.op === "ext") {
        const inner = x.args[0]!;
        if (hi < inner.width) return this.slice(inner, hi, lo);
        if (lo >= inner.width && !x.param.signExtend) return this.lit(type, 0n);
      }
    }
    return this.make("bits", type, [x], { hi, lo });
  }
}
