// Expression DAG → Verilog-2001. Every operation becomes its own sized wire with operands
// extended explicitly to the result width, so no Verilog width or signedness rule is ever
// relied upon (and `verilator -Wall` finds nothing to warn about).
import type { Expr } from "../dsl/expr.js";
import type { Signal } from "../dsl/signal.js";

export function literal(width: number, value: bigint): string {
  return width === 1 ? `1'b${value & 1n}` : `${width}'h${value.toString(16)}`;
}

/** The constant value of a literal seen through casts, or undefined. */
function literalValue(e: Expr): bigint | undefined {
  while (e.op === "cast") e = e.args[0]!;
  return e.op === "lit" ? e.param.value : undefined;
}

export function range(width: number): string {
  return width === 1 ? "" : `[${width - 1}:0] `;
}

/** Emits temporaries on demand; `operand` returns a name or literal usable in any context. */
export class ExprEmitter {
  private readonly names = new Map<Expr, string>();
  readonly declarations: string[] = [];
  readonly assigns: string[] = [];
  private counter = 0;

  constructor(private readonly taken: Set<string>) {}

  private fresh(hint?: string): string {
    if (hint && !this.taken.has(hint)) {
      this.taken.add(hint);
      return hint;
    }
    let name: string;
    do name = hint ? `${hint}_${this.counter++}` : `_t${this.counter++}`;
    while (this.taken.has(name));
    this.taken.add(name);
    return name;
  }

  /** A name or literal for `e`, emitting the wires it needs. */
  operand(e: Expr): string {
    if (e.op === "sig") return (e as Signal).signalName;
    if (e.op === "lit") return literal(e.width, e.param.value!);
    if (e.op === "cast") return this.operand(e.args[0]!);
    const known = this.names.get(e);
    if (known) return known;
    // Iterative post-order so very deep expressions do not overflow the JS stack.
    const stack: Array<{ e: Expr; expanded: boolean }> = [{ e, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (this.isTrivial(top.e) || this.names.has(top.e)) {
        stack.pop();
        continue;
      }
      if (!top.expanded) {
        top.expanded = true;
        for (const a of top.e.args)
          if (!this.isTrivial(a) && !this.names.has(a)) stack.push({ e: a, expanded: false });
        continue;
      }
      stack.pop();
      const name = this.fresh(top.e.name);
      this.names.set(top.e, name);
      this.declarations.push(`wire ${range(top.e.width)}${name};`);
      this.assigns.push(`assign ${name} = ${this.render(top.e)};`);
    }
    return this.names.get(e)!;
  }

  private isTrivial(e: Expr): boolean {
    return e.op === "sig" || e.op === "lit" || (e.op === "cast" && this.isTrivial(e.args[0]!));
  }

  /** `e` extended to `width` bits by its own signedness. */
  extended(e: Expr, width: number): string {
    return this.extendTo(e, width, e.signed);
  }

  private extendTo(e: Expr, width: number, signExtend: boolean): string {
    const w = e.width;
    if (width === w) return this.operand(e);
    const constant = literalValue(e);
    if (constant !== undefined) {
      const v = constant;
      const negative = signExtend && (v >> BigInt(w - 1)) & 1n;
      const ext = negative ? BigInt.asUintN(width, v | (~0n << BigInt(w))) : v;
      return literal(width, ext);
    }
    const x = this.operand(e);
    if (signExtend) {
      return w === 1 ? `{${width}{${x}}}` : `{{${width - w}{${x}[${w - 1}]}}, ${x}}`;
    }
    return `{${literal(width - w, 0n)}, ${x}}`;
  }

  private render(e: Expr): string {
    const [a, b, c] = e.args;
    const rw = e.width;
    const bin = (op: string) => `${this.extended(a!, rw)} ${op} ${this.extended(b!, rw)}`;
    const cmp = (op: string) => {
      const w = Math.max(a!.width, b!.width);
      const x = this.extended(a!, w);
      const y = this.extended(b!, w);
      return a!.signed ? `$signed(${x}) ${op} $signed(${y})` : `${x} ${op} ${y}`;
    };
    switch (e.op) {
      case "add":
        return bin("+");
      case "sub":
        return bin("-");
      case "mul":
        // Both operands are extended to the result width, so signed and unsigned products
        // agree in every result bit; marking signed ones lets synthesis see through the sign
        // extension (Yosys otherwise sizes a DSP multiplier for the extended width).
        return a!.signed ? `$signed(${this.extended(a!, rw)}) * $signed(${this.extended(b!, rw)})` : bin("*");
      case "and":
        return bin("&");
      case "or":
        return bin("|");
      case "xor":
        return bin("^");
      case "not":
        return `~${this.operand(a!)}`;
      case "shl":
        return `{${this.operand(a!)}, ${literal(e.param.amount!, 0n)}}`;
      case "shr": {
        const n = e.param.amount!;
        const constant = literalValue(a!);
        if (constant !== undefined) {
          const math = a!.signed ? BigInt.asIntN(a!.width, constant) : constant;
          return literal(rw, BigInt.asUintN(rw, math >> BigInt(n)));
        }
        const x = this.operand(a!);
        const w = a!.width;
        if (n >= w) return a!.signed ? (w === 1 ? x : `${x}[${w - 1}]`) : "1'b0";
        return n === w - 1 ? `${x}[${w - 1}]` : `${x}[${w - 1}:${n}]`;
      }
      case "dshl":
        return `${this.extended(a!, rw)} << ${this.operand(b!)}`;
      case "dshr":
        return a!.signed
          ? `$signed(${this.operand(a!)}) >>> ${this.operand(b!)}`
          : `${this.operand(a!)} >> ${this.operand(b!)}`;
      case "eq":
        return cmp("==");
      case "ne":
        return cmp("!=");
      case "lt":
        return cmp("<");
      case "le":
        return cmp("<=");
      case "gt":
        return cmp(">");
      case "ge":
        return cmp(">=");
      case "mux":
        return `${this.operand(a!)} ? ${this.extended(b!, rw)} : ${this.extended(c!, rw)}`;
      case "cat":
        return `{${e.args.map((x) => this.operand(x)).join(", ")}}`;
      case "bits": {
        const { hi, lo } = e.param;
        const constant = literalValue(a!);
        if (constant !== undefined)
          return literal(hi! - lo! + 1, (constant >> BigInt(lo!)) & ((1n << BigInt(hi! - lo! + 1)) - 1n));
        const x = this.operand(a!);
        if (a!.width === 1) return x;
        return hi === lo ? `${x}[${hi}]` : `${x}[${hi}:${lo}]`;
      }
      case "ext":
        return this.extendTo(a!, rw, e.param.signExtend!);
      case "andr":
        return a!.width === 1 ? this.operand(a!) : `&${this.operand(a!)}`;
      case "orr":
        return a!.width === 1 ? this.operand(a!) : `|${this.operand(a!)}`;
      case "xorr":
        return a!.width === 1 ? this.operand(a!) : `^${this.operand(a!)}`;
      case "cast":
      case "sig":
      case "lit":
        return this.operand(e);
      case "undef":
        throw new Error("internal: undef reached the emitter");
    }
  }
}
