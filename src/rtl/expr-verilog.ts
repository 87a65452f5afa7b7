// Expression DAG → Verilog-2001 that reads like hand-written RTL. The DAG is first made
// canonical (one node per distinct expression, identities folded: `canonical.ts`); then a node
// gets a wire of its own only when the TypeScript named it, when several places read it, when
// a bit select needs it as a name, or when inlining it would make a line too long. Everything
// else is written inline, in parentheses, into its one reader. Operands are still extended
// explicitly to the width of their operation, so no Verilog width or signedness rule is relied
// upon (and `verilator -Wall` finds nothing to warn about).
import type { Expr } from "../dsl/expr.js";
import type { Signal } from "../dsl/signal.js";
import { Canonicalizer, constantAt, memoPostOrder } from "./canonical.js";
import { operandWidths, throughCasts, Usage } from "./usage.js";

export function literal(width: number, value: bigint): string {
  return width === 1 ? `1'b${value & 1n}` : `${width}'h${value.toString(16)}`;
}

export function range(width: number): string {
  return width === 1 ? "" : `[${width - 1}:0] `;
}

/** Longest expression written inline; longer ones give their largest inline operand a wire. */
const MAX_INLINE = 90;

/** Operations whose low result bits depend only on the operands' low bits. */
const NARROWABLE = new Set<Expr["op"]>(["add", "sub", "mul", "and", "or", "xor", "mux"]);

/** Verilog text of a value; `atomic` when it can be an operand without parentheses. */
interface Text {
  s: string;
  atomic: boolean;
}

const LINT_OFF = "/* verilator lint_off UNUSEDSIGNAL */";
const LINT_ON = "/* verilator lint_on UNUSEDSIGNAL */";

/** A declaration, waived for UNUSEDSIGNAL when the module leaves some of its bits unread. */
export function declaration(text: string, wholeRead: boolean): string {
  return wholeRead ? text : `${LINT_OFF} ${text} ${LINT_ON}`;
}

/**
 * Emits a module's expressions. Give it every expression the module writes out (`addRoot`)
 * before asking for any text, so it knows how often each one is read.
 */
export class ExprEmitter {
  private readonly canonical = new Canonicalizer();
  readonly usage = new Usage();
  private readonly texts = new Map<Expr, Text>();
  /** Nodes that have a wire, by node. */
  private readonly wired = new Set<Expr>();
  /** Declared width of each wire narrower than its value (see `narrowed`). */
  private readonly wireWidth = new Map<Expr, number>();
  /** Wire declarations and assignments, in an order where every name is declared before use. */
  readonly lines: string[] = [];
  private anonymous = 0;
  private readonly suffixes = new Map<string, number>();
  /** Values that drive a signal (an output, a wire, a child's input), by value. */
  private readonly drives = new Map<Expr, Signal>();

  constructor(private readonly taken: Set<string>) {}

  addRoot(e: Expr): void {
    this.usage.addRoot(this.canonical.canon(e));
  }

  /** Lets other readers of `value` read `target`, the signal it drives, by name. */
  addDriver(target: Signal, value: Expr): void {
    const n = throughCasts(this.canonical.canon(value));
    if (n.op !== "sig" && n.op !== "lit" && n.width === target.width && !this.drives.has(n))
      this.drives.set(n, target);
  }

  private fresh(hint?: string): string {
    let name: string;
    if (hint !== undefined) {
      name = hint;
      while (this.taken.has(name)) {
        const n = (this.suffixes.get(hint) ?? 0) + 1;
        this.suffixes.set(hint, n);
        name = `${hint}_${n}`;
      }
    } else {
      do name = `_t${this.anonymous++}`;
      while (this.taken.has(name));
    }
    this.taken.add(name);
    return name;
  }

  /** Verilog text for `e` at the top of a statement (no parentheses needed). */
  operand(e: Expr): string {
    return this.text(this.canonical.canon(e)).s;
  }

  /** Text for a canonical node, rendering what it needs bottom-up without deep recursion. */
  private text(root: Expr): Text {
    memoPostOrder(root, this.texts, (e) => this.decide(e));
    return this.t(root);
  }

  private decide(e: Expr): Text {
    if (e.op === "sig") return { s: (e as Signal).signalName, atomic: true };
    if (e.op === "lit") return { s: literal(e.width, e.param.value!), atomic: true };
    const name = this.canonical.nameOf(e);
    if (e.op === "cast" && name === undefined) return this.t(e);
    const shared = (this.usage.uses.get(e) ?? 0) > 1 && !this.isCheap(e);
    const needsName = this.usage.sliced.has(e) || (this.usage.signExtended.has(e) && !this.selectable(e));
    const driven = this.drives.get(e);
    if (name === undefined && driven) {
      // The signal this value drives is its name: `assign in_ready = …;`, read as `in_ready`.
      const body = this.bounded(e).s;
      this.wired.add(e);
      this.lines.push(`assign ${driven.signalName} = ${body};`);
      return { s: driven.signalName, atomic: true };
    }
    if (name === undefined && !shared && !needsName) return this.bounded(e);
    const width = this.narrowed(e);
    return this.wire(e, this.bounded(e, width).s, width, name);
  }

  /**
   * A wire whose readers all read its low `k` bits only (a product truncated after a wider
   * multiply) is computed at `k` bits: the low bits of a sum, product, bitwise operation or
   * mux depend only on the low bits of the operands, so no bit is left unread.
   */
  private narrowed(e: Expr): number {
    const k = this.usage.readWidth(e);
    if (k === 0 || k >= e.width || !NARROWABLE.has(e.op)) return e.width;
    const widths = operandWidths(e);
    return e.args.every((a, i) => widths[i] === undefined || a.width <= k) ? k : e.width;
  }

  /** Whether single bits of `e` can be written without a wire (`x[3]`, `1'b0`). */
  private selectable(e: Expr): boolean {
    const x = throughCasts(e);
    if (x.op === "sig" || x.op === "lit" || this.wired.has(x) || x.op === "bits" || x.op === "shr")
      return true;
    if (this.canonical.nameOf(x) !== undefined) return false;
    if (x.op === "ext" || x.op === "shl" || x.op === "cat") return x.args.every((a) => this.selectable(a));
    return false;
  }

  /** Bit `i` of `e` as an operand (`e` is selectable). */
  private bitOf(e: Expr, i: number): string {
    const x = throughCasts(e);
    if (x.op === "lit") return literal(1, x.param.value! >> BigInt(i));
    if (x.op === "sig" || this.wired.has(x)) {
      const name = this.t(x).s;
      return this.declaredWidth(x) === 1 ? name : `${name}[${i}]`;
    }
    const a = x.args[0]!;
    switch (x.op) {
      case "bits":
        return this.bitOf(a, x.param.lo! + i);
      case "shr":
        return this.bitOf(a, Math.min(x.param.amount! + i, a.width - 1));
      case "shl":
        return i < x.param.amount! ? "1'b0" : this.bitOf(a, i - x.param.amount!);
      case "ext":
        if (i < a.width) return this.bitOf(a, i);
        return x.param.signExtend ? this.bitOf(a, a.width - 1) : "1'b0";
      case "cat": {
        let bottom = x.width;
        for (const part of x.args) {
          bottom -= part.width;
          if (i >= bottom) return this.bitOf(part, i - bottom);
        }
      }
    }
    throw new Error(`internal: bit ${i} of a ${x.op} node is not selectable`);
  }

  /** The width `e` is declared with when it is a wire (narrower than its value if narrowed). */
  private declaredWidth(e: Expr): number {
    return this.wireWidth.get(throughCasts(e)) ?? this.wireWidth.get(e) ?? e.width;
  }

  /** A slice, an inversion or a zero extension of a name: cheaper to repeat than to name. */
  private isCheap(e: Expr): boolean {
    if (!["bits", "shr", "not", "ext"].includes(e.op)) return false;
    if (e.op === "ext" && e.param.signExtend) return false;
    const x = this.t(e.args[0]!);
    return x.atomic && !x.s.includes("{");
  }

  private wire(e: Expr, body: string, width = e.width, hint?: string): Text {
    const name = this.fresh(hint);
    this.wired.add(e);
    if (width !== e.width) this.wireWidth.set(e, width);
    this.lines.push(declaration(`wire ${range(width)}${name} = ${body};`, this.usage.wholeRead(e, width)));
    return { s: name, atomic: true };
  }

  /** The inline rendering of `e`, giving its largest inline operands wires until it fits. */
  private bounded(e: Expr, width = e.width): Text {
    let r = this.render(e, width);
    while (r.s.length > MAX_INLINE) {
      const inline = e.args
        .map(throughCasts)
        .filter((a) => a.op !== "sig" && a.op !== "lit" && !this.wired.has(a))
        .sort((x, y) => this.t(y).s.length - this.t(x).s.length);
      const largest = inline[0];
      if (!largest) break;
      this.texts.set(largest, this.wire(largest, this.t(largest).s));
      r = this.render(e, width);
    }
    return r;
  }

  /** The text of `e`'s value (an unnamed cast is its operand's text). */
  private t(e: Expr): Text {
    return this.texts.get(throughCasts(e))!;
  }

  private arg(e: Expr): string {
    const t = this.t(e);
    return t.atomic ? t.s : `(${t.s})`;
  }

  /** `e` extended to `width` bits by its own signedness, as an operand. */
  private extended(e: Expr, width: number, signExtend = e.signed): string {
    const w = e.width;
    if (width === w) return this.arg(e);
    const constant = constantAt(e, w);
    if (constant !== undefined) {
      const negative = signExtend && (constant >> BigInt(w - 1)) & 1n;
      return literal(width, negative ? BigInt.asUintN(width, constant | (~0n << BigInt(w))) : constant);
    }
    const x = this.t(e).s;
    if (signExtend && w === 1) return `{${width}{${x}}}`;
    const sign = signExtend ? this.bitOf(e, w - 1) : "1'b0";
    const n = width - w;
    if (sign === "1'b0" || sign === "1'b1")
      return `{${literal(n, sign === "1'b0" ? 0n : (1n << BigInt(n)) - 1n)}, ${x}}`;
    return n === 1 ? `{${sign}, ${x}}` : `{{${n}{${sign}}}, ${x}}`;
  }

  /** `e` as an expression; `width` below e.width computes only the low bits (see `narrowed`). */
  private render(e: Expr, width = e.width): Text {
    const [a, b] = e.args;
    const widths = operandWidths(e).map((w) => (w === e.width ? width : w));
    const op = (i: number) => this.extended(e.args[i]!, widths[i] ?? e.args[i]!.width);
    /** An operand inside `$signed(...)`, which needs no parentheses of its own. */
    const signed = (i: number) => {
      const x = e.args[i]!;
      return `$signed(${(widths[i] ?? x.width) === x.width ? this.t(x).s : op(i)})`;
    };
    const expr = (s: string): Text => ({ s, atomic: false });
    const atom = (s: string): Text => ({ s, atomic: true });
    const bin = (sym: string) => expr(`${op(0)} ${sym} ${op(1)}`);
    const cmp = (sym: string) =>
      expr(a!.signed ? `${signed(0)} ${sym} ${signed(1)}` : `${op(0)} ${sym} ${op(1)}`);
    switch (e.op) {
      case "add":
        return bin("+");
      case "sub":
        return bin("-");
      case "mul":
        // Both operands are extended to the result width, so signed and unsigned products
        // agree in every result bit; marking signed ones lets synthesis see through the sign
        // extension (Yosys otherwise sizes a DSP multiplier for the extended width).
        return a!.signed ? expr(`${signed(0)} * ${signed(1)}`) : bin("*");
      case "and":
        return bin("&");
      case "or":
        return bin("|");
      case "xor":
        return bin("^");
      case "not":
        return atom(`~${this.arg(a!)}`);
      case "shl":
        return atom(`{${this.t(a!).s}, ${literal(e.param.amount!, 0n)}}`);
      case "shr": {
        const x = this.t(a!).s;
        const n = e.param.amount!;
        const w = a!.width;
        if (n >= w) return atom(w === 1 ? x : `${x}[${w - 1}]`);
        return atom(n === w - 1 ? `${x}[${w - 1}]` : `${x}[${w - 1}:${n}]`);
      }
      case "dshl":
        return expr(`${op(0)} << ${this.arg(b!)}`);
      case "dshr":
        return expr(a!.signed ? `${signed(0)} >>> ${this.arg(b!)}` : `${this.arg(a!)} >> ${this.arg(b!)}`);
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
        return expr(`${this.arg(a!)} ? ${op(1)} : ${op(2)}`);
      case "cat":
        return atom(`{${e.args.map((x) => this.t(x).s).join(", ")}}`);
      case "bits": {
        const x = this.t(a!).s;
        const { hi, lo } = e.param;
        // A one-bit operand (possibly a wire narrowed to one bit) is its own bit 0.
        if (this.declaredWidth(a!) === 1) return atom(x);
        return atom(hi === lo ? `${x}[${hi}]` : `${x}[${hi}:${lo}]`);
      }
      case "ext":
        return atom(this.extended(a!, e.width, e.param.signExtend!));
      case "andr":
        return expr(`&${this.arg(a!)}`);
      case "orr":
        return expr(`|${this.arg(a!)}`);
      case "xorr":
        return expr(`^${this.arg(a!)}`);
      case "cast":
        return this.t(a!);
      case "sig":
      case "lit":
      case "undef":
        throw new Error(`internal: ${e.op} reached the expression renderer`);
    }
  }
}
