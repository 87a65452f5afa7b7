// Expressions over ground types. Width rules are in docs/dsl.md; every operation checks its
// operands when it is built, so a mistake is reported at the user's line, not at emission.
import { ElaborationError } from "./errors.js";
import { here } from "./location.js";
import { checkName } from "./names.js";
import { countNode } from "./node-budget.js";
import { type GroundType, type HwType, SInt, typeName, UInt } from "./types.js";

export type Op =
  | "lit"
  | "sig"
  | "undef"
  | "add"
  | "sub"
  | "mul"
  | "and"
  | "or"
  | "xor"
  | "not"
  | "shl"
  | "shr"
  | "dshl"
  | "dshr"
  | "eq"
  | "ne"
  | "lt"
  | "le"
  | "gt"
  | "ge"
  | "mux"
  | "cat"
  | "bits"
  | "ext"
  | "cast"
  | "andr"
  | "orr"
  | "xorr";

export type Operand = Expr | number | bigint | boolean;

/** Shift amounts of dynamic left shifts grow the result by 2^w − 1 bits: keep that bounded. */
const MAX_DSHL_AMOUNT_WIDTH = 12;

let nextId = 0;

/** Mathematical value of a literal (signed if SInt). */
function literalMath(e: Expr): bigint {
  const v = e.param.value!;
  return e.signed ? BigInt.asIntN(e.width, v) : v;
}

/**
 * Builds an operation node, folding it to a literal when every operand is a literal: the
 * hardware is the same, and the Verilog carries no constant logic for lint to flag.
 */
function node(op: Op, type: GroundType, args: readonly Expr[], param: Expr["param"] = {}): Expr {
  if (args.length > 0 && args.every((a) => a.op === "lit")) {
    const v = foldValue(op, type, args, param);
    if (v !== undefined) return new Expr("lit", type, [], { value: BigInt.asUintN(type.width, v) });
  }
  return new Expr(op, type, args, param);
}

function foldValue(
  op: Op,
  type: GroundType,
  args: readonly Expr[],
  param: Expr["param"],
): bigint | undefined {
  const [a, b, c] = args.map(literalMath);
  const raw = args.map((x) => x.param.value!);
  switch (op) {
    case "add":
      return a! + b!;
    case "sub":
      return a! - b!;
    case "mul":
      return a! * b!;
    case "and":
      return a! & b!;
    case "or":
      return a! | b!;
    case "xor":
      return a! ^ b!;
    case "not":
      return ~raw[0]!;
    case "shl":
      return a! << BigInt(param.amount!);
    case "shr":
      return a! >> BigInt(param.amount!);
    case "dshl":
      return a! << raw[1]!;
    case "dshr":
      return a! >> raw[1]!;
    case "mux":
      return raw[0] ? b! : c!;
    case "cat":
      return args.reduce((acc, x) => (acc << BigInt(x.width)) | x.param.value!, 0n);
    case "bits":
      return raw[0]! >> BigInt(param.lo!);
    case "ext":
      return param.signExtend ? BigInt.asIntN(args[0]!.width, raw[0]!) : raw[0]!;
    case "cast":
      return raw[0]!;
    case "andr":
      return raw[0] === (1n << BigInt(args[0]!.width)) - 1n ? 1n : 0n;
    case "orr":
      return raw[0] !== 0n ? 1n : 0n;
    case "xorr":
      return BigInt([...raw[0]!.toString(2)].filter((d) => d === "1").length % 2);
    default:
      void type;
      return undefined;
  }
}

export class Expr {
  readonly id = nextId++;
  /** The Verilog name asked for with `.named()`; the emitter gives such a node a wire of its own. */
  name?: string;

  constructor(
    readonly op: Op,
    readonly type: GroundType,
    readonly args: readonly Expr[] = [],
    /** Literal bit pattern (op "lit"), shift amount or bit range (shl/shr/bits), sign-extension flag (ext). */
    readonly param: { value?: bigint; amount?: number; hi?: number; lo?: number; signExtend?: boolean } = {},
  ) {
    countNode();
  }

  get width(): number {
    return this.type.width;
  }
  get signed(): boolean {
    return this.type.signed;
  }

  /**
   * This value under a Verilog name of its own (`wire issue = …;`), for readable output,
   * waveforms and timing reports. Returns a new value; the original is left unnamed.
   */
  named(name: string): Expr {
    checkName(name, here());
    const e = new Expr("cast", this.type, [this]);
    e.name = name;
    return e;
  }

  // Arithmetic: `add`/`sub` keep the wider operand's width (wrapping); `addw`/`subw` grow by one bit.
  add(b: Operand): Expr {
    return arith("add", this, b, false);
  }
  addw(b: Operand): Expr {
    return arith("add", this, b, true);
  }
  sub(b: Operand): Expr {
    return arith("sub", this, b, false);
  }
  subw(b: Operand): Expr {
    return arith("sub", this, b, true);
  }
  /** Full product: width is the sum of the operand widths. */
  mul(b: Operand): Expr {
    const [x, y] = sameSign("mul", this, b);
    return node("mul", ground(x.signed, x.width + y.width), [x, y]);
  }
  /** Product truncated to the wider operand's width. */
  mulw(b: Operand): Expr {
    const [x, y] = sameSign("mul", this, b);
    return x.mul(y).trunc(Math.max(x.width, y.width));
  }

  and(b: Operand): Expr {
    return bitwise("and", this, b);
  }
  or(b: Operand): Expr {
    return bitwise("or", this, b);
  }
  xor(b: Operand): Expr {
    return bitwise("xor", this, b);
  }
  not(): Expr {
    return node("not", this.type, [this]);
  }

  /** Static left shift: width grows by `n`. */
  shl(n: number): Expr {
    checkAmount(n);
    return n === 0 ? this : node("shl", ground(this.signed, this.width + n), [this], { amount: n });
  }
  /** Static right shift (arithmetic for SInt): width shrinks by `n`, to at least 1. */
  shr(n: number): Expr {
    checkAmount(n);
    return n === 0
      ? this
      : node("shr", ground(this.signed, Math.max(this.width - n, 1)), [this], { amount: n });
  }
  /** Dynamic left shift by a UInt: width grows by 2^w(amount) − 1. */
  dshl(amount: Expr): Expr {
    requireUInt(amount, "dshl amount");
    if (amount.width > MAX_DSHL_AMOUNT_WIDTH) {
      throw new ElaborationError(
        `dshl amount is ${amount.width} bits wide: the result would be ${this.width}+2^${amount.width}−1 bits; truncate the amount first`,
      );
    }
    return node("dshl", ground(this.signed, this.width + (1 << amount.width) - 1), [this, amount]);
  }
  /** Dynamic right shift by a UInt (arithmetic for SInt): width unchanged. */
  dshr(amount: Expr): Expr {
    requireUInt(amount, "dshr amount");
    return node("dshr", this.type, [this, amount]);
  }

  eq(b: Operand): Expr {
    return compare("eq", this, b);
  }
  ne(b: Operand): Expr {
    return compare("ne", this, b);
  }
  lt(b: Operand): Expr {
    return compare("lt", this, b);
  }
  le(b: Operand): Expr {
    return compare("le", this, b);
  }
  gt(b: Operand): Expr {
    return compare("gt", this, b);
  }
  ge(b: Operand): Expr {
    return compare("ge", this, b);
  }

  /** Bits hi..lo (inclusive) as a UInt. */
  bits(hi: number, lo: number): Expr {
    if (!Number.isInteger(hi) || !Number.isInteger(lo) || lo < 0 || hi < lo || hi >= this.width) {
      throw new ElaborationError(
        `bits(${hi}, ${lo}) is out of range for a ${this.width}-bit ${typeName(this.type)}`,
      );
    }
    if (lo === 0 && hi === this.width - 1 && !this.signed) return this;
    return node("bits", UInt(hi - lo + 1), [this], { hi, lo });
  }
  bit(i: number): Expr {
    return this.bits(i, i);
  }
  /** Keeps the low `width` bits, keeping the signedness (wraps). */
  trunc(width: number): Expr {
    if (width > this.width) {
      throw new ElaborationError(`trunc(${width}) of a ${this.width}-bit value would widen it; use pad()`);
    }
    if (width === this.width) return this;
    const low = this.bits(width - 1, 0);
    return this.signed ? low.asSInt() : low;
  }
  /** Extends to `width` by the value's own signedness (value-preserving). */
  pad(width: number): Expr {
    return extend(this, width, this.signed, this.signed);
  }
  /** Zero-extends to `width`, giving a UInt. */
  zext(width: number): Expr {
    return extend(this.signed ? this.asUInt() : this, width, false, false);
  }
  /** Sign-extends to `width`, giving an SInt. */
  sext(width: number): Expr {
    return extend(this.signed ? this : this.asSInt(), width, true, true);
  }
  /** Same bits read as UInt. */
  asUInt(): Expr {
    return this.signed ? node("cast", UInt(this.width), [this]) : this;
  }
  /** Same bits read as SInt (two's complement). */
  asSInt(): Expr {
    return this.signed ? this : node("cast", SInt(this.width), [this]);
  }
  /** A UInt as a non-negative SInt one bit wider (value-preserving). */
  toSInt(): Expr {
    return this.signed ? this : this.zext(this.width + 1).asSInt();
  }

  andR(): Expr {
    return node("andr", UInt(1), [this]);
  }
  orR(): Expr {
    return node("orr", UInt(1), [this]);
  }
  xorR(): Expr {
    return node("xorr", UInt(1), [this]);
  }
}

function ground(signed: boolean, width: number): GroundType {
  return signed ? SInt(width) : UInt(width);
}

function checkAmount(n: number): void {
  if (!Number.isInteger(n) || n < 0)
    throw new ElaborationError(`shift amount must be a non-negative integer, got ${n}`);
}

function requireUInt(e: Expr, what: string): void {
  if (e.signed) throw new ElaborationError(`${what} must be a UInt, got ${typeName(e.type)}`);
}

function extend(e: Expr, width: number, signed: boolean, signExtend: boolean): Expr {
  if (width < e.width) {
    throw new ElaborationError(`cannot extend a ${e.width}-bit value to ${width} bits; use trunc()`);
  }
  if (width === e.width) return e;
  if (e.op === "lit") {
    const v = e.param.value!;
    const negative = signExtend && ((v >> BigInt(e.width - 1)) & 1n) === 1n;
    return new Expr("lit", ground(signed, width), [], {
      value: negative ? BigInt.asUintN(width, v | (~0n << BigInt(e.width))) : v,
    });
  }
  return new Expr("ext", ground(signed, width), [e], { signExtend });
}

/** Smallest literal width holding `v` in the given signedness. */
export function minWidth(v: bigint, signed: boolean): number {
  if (!signed) {
    if (v < 0n) throw new ElaborationError(`negative literal ${v} used with a UInt operand`);
    return Math.max(v.toString(2).length, 1);
  }
  let w = 1;
  while (v < -(1n << BigInt(w - 1)) || v > (1n << BigInt(w - 1)) - 1n) w++;
  return w;
}

/** A literal of the given type; values that do not fit are an error. */
export function lit(value: number | bigint | boolean, type?: GroundType): Expr {
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new ElaborationError(`literal ${value} is not a safe integer; pass a bigint`);
  }
  const v = typeof value === "boolean" ? (value ? 1n : 0n) : BigInt(value);
  const t = type ?? ground(v < 0n, minWidth(v, v < 0n));
  const lo = t.signed ? -(1n << BigInt(t.width - 1)) : 0n;
  const hi = t.signed ? (1n << BigInt(t.width - 1)) - 1n : (1n << BigInt(t.width)) - 1n;
  if (v < lo || v > hi) throw new ElaborationError(`literal ${v} does not fit ${typeName(t)} (${lo}..${hi})`);
  return new Expr("lit", t, [], { value: BigInt.asUintN(t.width, v) });
}

/** Turns a JS number next to a hardware operand into a literal of the operand's signedness. */
export function toExpr(v: Operand, like?: Expr): Expr {
  if (v instanceof Expr) return v;
  const big = typeof v === "boolean" ? (v ? 1n : 0n) : BigInt(v);
  const signed = like?.signed ?? big < 0n;
  return lit(big, ground(signed, minWidth(big, signed)));
}

function sameSign(op: string, a: Expr, b: Operand): [Expr, Expr] {
  const y = toExpr(b, a);
  if (a.signed !== y.signed) {
    throw new ElaborationError(
      `${op}: operands differ in signedness (${typeName(a.type)} and ${typeName(y.type)}); convert one with asSInt(), toSInt() or asUInt()`,
    );
  }
  return [a, y];
}

function arith(op: "add" | "sub", a: Expr, b: Operand, grow: boolean): Expr {
  const [x, y] = sameSign(op, a, b);
  const w = Math.max(x.width, y.width) + (grow ? 1 : 0);
  if (op === "sub" && x === y) return lit(0, ground(x.signed, w));
  return node(op, ground(x.signed, w), [x, y]);
}

function bitwise(op: "and" | "or" | "xor", a: Expr, b: Operand): Expr {
  const [x, y] = sameSign(op, a, b);
  // x & x = x | x = x and x ^ x = 0: no logic, and nothing constant left for lint to flag.
  if (x === y) return op === "xor" ? lit(0, x.type) : x;
  return node(op, ground(x.signed, Math.max(x.width, y.width)), [x, y]);
}

function compare(op: Op, a: Expr, b: Operand): Expr {
  const [x, y] = sameSign(op, a, b);
  // A value compared with itself is decided too (x < x is always false).
  const known =
    x === y
      ? op === "eq" || op === "le" || op === "ge"
      : constantComparison(op, valueRange(x), valueRange(y));
  return known === undefined ? node(op, UInt(1), [x, y]) : lit(known ? 1 : 0, UInt(1));
}

/** The values an expression can take: exact for literals, the whole type otherwise. */
function valueRange(e: Expr): [bigint, bigint] {
  if (e.op === "lit") {
    const v = e.signed ? BigInt.asIntN(e.width, e.param.value!) : e.param.value!;
    return [v, v];
  }
  return e.signed
    ? [-(1n << BigInt(e.width - 1)), (1n << BigInt(e.width - 1)) - 1n]
    : [0n, (1n << BigInt(e.width)) - 1n];
}

/**
 * Folds comparisons whose result the operand ranges already decide (`x >= 0` for a UInt):
 * the hardware is the same, and the emitted Verilog has no constant comparison to warn about.
 */
function constantComparison(
  op: Op,
  [alo, ahi]: [bigint, bigint],
  [blo, bhi]: [bigint, bigint],
): boolean | undefined {
  const always = (lt: boolean, eq: boolean, gt: boolean) => {
    const possible = { lt: alo < bhi, eq: alo <= bhi && blo <= ahi, gt: ahi > blo };
    const results = [possible.lt && lt, possible.eq && eq, possible.gt && gt];
    const falses = [possible.lt && !lt, possible.eq && !eq, possible.gt && !gt];
    if (!falses.some(Boolean)) return true;
    if (!results.some(Boolean)) return false;
    return undefined;
  };
  switch (op) {
    case "eq":
      return always(false, true, false);
    case "ne":
      return always(true, false, true);
    case "lt":
      return always(true, false, false);
    case "le":
      return always(true, true, false);
    case "gt":
      return always(false, false, true);
    case "ge":
      return always(false, true, true);
    default:
      return undefined;
  }
}

/** `cond ? a : b`; both sides must have the same signedness; the result has the wider width. */
export function mux(cond: Operand, a: Operand, b: Operand): Expr {
  const c = toExpr(cond);
  if (c.width !== 1 || c.signed)
    throw new ElaborationError(`mux condition must be a Bool, got ${typeName(c.type)}`);
  const ax = a instanceof Expr ? a : toExpr(a, b instanceof Expr ? b : undefined);
  const [x, y] = sameSign("mux", ax, b);
  return node("mux", ground(x.signed, Math.max(x.width, y.width)), [c, x, y]);
}

/** Concatenation, first argument in the most significant bits; the result is a UInt. */
export function cat(...parts: Expr[]): Expr {
  if (parts.length === 0) throw new ElaborationError("cat() needs at least one operand");
  if (parts.length === 1) return parts[0]!.asUInt();
  return node(
    "cat",
    UInt(parts.reduce((s, p) => s + p.width, 0)),
    parts.map((p) => p.asUInt()),
  );
}

/** Selects `options[index]` with a balanced mux tree; indices past the end give the last option. */
export function select(index: Expr, options: readonly Expr[]): Expr {
  requireUInt(index, "select index");
  const n = options.length;
  if (n === 0) throw new ElaborationError("select() needs at least one option");
  // Covers indices [lo, lo + 2^(bit+1)); ranges wholly past the end collapse to the last option.
  const level = (lo: number, bit: number): Expr => {
    if (bit < 0 || lo >= n - 1) return options[Math.min(lo, n - 1)]!;
    const low = level(lo, bit - 1);
    const high = level(lo + 2 ** bit, bit - 1);
    return low === high ? low : mux(index.bit(bit), high, low);
  };
  return level(0, index.width - 1);
}

export function isGround(t: HwType): t is GroundType {
  return t.kind === "ground";
}

/** Placeholder for "no value on this path" while expanding when-blocks. */
export function undef(type: GroundType): Expr {
  return new Expr("undef", type);
}
