// Compiles a flat netlist into JavaScript functions. Values up to 32 bits are JS numbers
// holding the unsigned bit pattern; wider values are BigInts. Each operation is written out
// so the JS engine never sees an unbounded-precision surprise: this is the DSL's reference
// semantics, checked against Verilator and Icarus by the test suite.
import type { Expr } from "../dsl/expr.js";
import type { Signal } from "../dsl/signal.js";
import type { Context, FlatDesign } from "./flatten.js";

const SMALL = 32;
const small = (w: number) => w <= SMALL;
const mask = (w: number) => (w === 32 ? "0xffffffff" : `${2 ** w - 1}`);

/** Runtime helpers the generated code calls. */
export const helpers = {
  /** Signed value of a ≤32-bit pattern. */
  sx: (x: number, w: number): number => (w === 32 ? x | 0 : (x << (32 - w)) >> (32 - w)),
  /** Wraps an integer-valued number to a ≤32-bit unsigned pattern. */
  wn: (v: number, w: number): number => (w === 32 ? v >>> 0 : ((v % 2 ** w) + 2 ** w) % 2 ** w),
  parity: (x: number): number => {
    let p = 0;
    while (x) {
      p ^= x & 1;
      x = Math.floor(x / 2);
    }
    return p;
  },
  parityBig: (x: bigint): number => {
    let p = 0;
    while (x) {
      p ^= Number(x & 1n);
      x >>= 1n;
    }
    return p;
  },
};

export interface CompiledDesign {
  /** Recomputes every combinational slot from inputs and state. */
  comb: (s: unknown[], mem: unknown[][]) => void;
  /** Applies one rising clock edge (reads the settled comb values). */
  tick: (s: unknown[], mem: unknown[][]) => void;
}

class FunctionWriter {
  readonly lines: string[] = [];
  private readonly temps = new Map<string, string>();
  private counter = 0;

  /** Slot of a signal in a context. */
  private slot(ctx: Context, s: Signal): number {
    const i = ctx.slots.get(s);
    if (i === undefined)
      throw new Error(`internal: signal ${s.signalName} has no slot in ${ctx.path || "top"}`);
    return i;
  }

  /** Code for e's value in its own representation (number ≤ 32 bits, bigint above). */
  value(e: Expr, ctx: Context): string {
    if (e.op === "sig") return `s[${this.slot(ctx, e as Signal)}]`;
    if (e.op === "lit") return small(e.width) ? `${e.param.value}` : `${e.param.value}n`;
    if (e.op === "cast") return this.value(e.args[0]!, ctx);
    const key = `${ctx.id}:${e.id}`;
    const known = this.temps.get(key);
    if (known) return known;
    // Iterative post-order over the operands, so deep expressions cannot overflow the stack.
    const stack: Array<{ e: Expr; done: boolean }> = [{ e, done: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const k = `${ctx.id}:${top.e.id}`;
      if (top.e.op === "sig" || top.e.op === "lit" || this.temps.has(k)) {
        stack.pop();
        continue;
      }
      if (top.e.op === "cast") {
        // A cast has no code of its own: alias its operand once the operand has a name.
        const inner = top.e.args[0]!;
        const ik = `${ctx.id}:${inner.id}`;
        if (inner.op !== "sig" && inner.op !== "lit" && !this.temps.has(ik) && !top.done) {
          top.done = true;
          stack.push({ e: inner, done: false });
          continue;
        }
        stack.pop();
        this.temps.set(k, this.value(inner, ctx));
        continue;
      }
      if (!top.done) {
        top.done = true;
        for (const a of top.e.args) stack.push({ e: a, done: false });
        continue;
      }
      stack.pop();
      const name = `t${this.counter++}`;
      this.lines.push(`const ${name} = ${this.render(top.e, ctx)};`);
      this.temps.set(k, name);
    }
    return this.temps.get(key)!;
  }

  /** e as a BigInt (unsigned pattern). */
  private big(e: Expr, ctx: Context): string {
    const v = this.value(e, ctx);
    return small(e.width) ? `BigInt(${v})` : v;
  }

  /** e's mathematical value (signed if SInt) as number, for ≤32-bit operands. */
  private num(e: Expr, ctx: Context): string {
    const v = this.value(e, ctx);
    return e.signed ? `h.sx(${v}, ${e.width})` : v;
  }

  /** e's mathematical value (signed if SInt) as BigInt. */
  private bigMath(e: Expr, ctx: Context): string {
    const v = this.big(e, ctx);
    return e.signed ? `BigInt.asIntN(${e.width}, ${v})` : v;
  }

  /** Wraps a BigInt expression to `w` bits in w's representation. */
  private fromBig(code: string, w: number): string {
    return small(w) ? `Number(BigInt.asUintN(${w}, ${code}))` : `BigInt.asUintN(${w}, ${code})`;
  }

  /** e extended (by its signedness) to width w, as a pattern in w's representation. */
  private ext(e: Expr, w: number, ctx: Context, signExtend = e.signed): string {
    if (small(w)) {
      const v = this.value(e, ctx);
      if (!signExtend || e.width === w) return v;
      return `h.wn(h.sx(${v}, ${e.width}), ${w})`;
    }
    const math = signExtend ? `BigInt.asIntN(${e.width}, ${this.big(e, ctx)})` : this.big(e, ctx);
    return signExtend ? `BigInt.asUintN(${w}, ${math})` : math;
  }

  private render(e: Expr, ctx: Context): string {
    const [a, b, c] = e.args;
    const w = e.width;
    const allSmall = e.args.every((x) => small(x.width));
    switch (e.op) {
      case "add":
      case "sub":
      case "mul": {
        const op = e.op === "add" ? "+" : e.op === "sub" ? "-" : "*";
        if (small(w) && allSmall) return `h.wn(${this.num(a!, ctx)} ${op} ${this.num(b!, ctx)}, ${w})`;
        return this.fromBig(`${this.bigMath(a!, ctx)} ${op} ${this.bigMath(b!, ctx)}`, w);
      }
      case "and":
      case "or":
      case "xor": {
        const op = e.op === "and" ? "&" : e.op === "or" ? "|" : "^";
        if (small(w)) return `((${this.ext(a!, w, ctx)} ${op} ${this.ext(b!, w, ctx)}) >>> 0)`;
        return `(${this.ext(a!, w, ctx)} ${op} ${this.ext(b!, w, ctx)})`;
      }
      case "not":
        return small(w)
          ? `((~${this.value(a!, ctx)} & ${mask(w)}) >>> 0)`
          : `BigInt.asUintN(${w}, ~${this.value(a!, ctx)})`;
      case "shl":
        return small(w)
          ? `(${this.value(a!, ctx)} * ${2 ** e.param.amount!})`
          : `(${this.big(a!, ctx)} << ${e.param.amount}n)`;
      case "shr": {
        const n = e.param.amount!;
        if (a!.signed) return this.fromBig(`BigInt.asIntN(${a!.width}, ${this.big(a!, ctx)}) >> ${n}n`, w);
        if (small(a!.width)) return n >= a!.width ? "0" : `(${this.value(a!, ctx)} >>> ${n})`;
        return this.fromBig(`${this.value(a!, ctx)} >> ${n}n`, w);
      }
      case "dshl":
        return this.fromBig(`${this.ext(a!, Math.max(w, SMALL + 1), ctx)} << ${this.big(b!, ctx)}`, w);
      case "dshr":
        return this.fromBig(`${this.bigMath(a!, ctx)} >> ${this.big(b!, ctx)}`, w);
      case "eq":
      case "ne":
      case "lt":
      case "le":
      case "gt":
      case "ge": {
        const op = { eq: "===", ne: "!==", lt: "<", le: "<=", gt: ">", ge: ">=" }[e.op];
        const useBig = !allSmall;
        const x = useBig ? this.bigMath(a!, ctx) : this.num(a!, ctx);
        const y = useBig ? this.bigMath(b!, ctx) : this.num(b!, ctx);
        return `(${x} ${op} ${y} ? 1 : 0)`;
      }
      case "mux":
        return `(${this.value(a!, ctx)} ? ${this.ext(b!, w, ctx)} : ${this.ext(c!, w, ctx)})`;
      case "cat": {
        if (small(w)) {
          let code = "";
          let shift = 0;
          for (let i = e.args.length - 1; i >= 0; i--) {
            const part = this.value(e.args[i]!, ctx);
            code = code ? `${part} * ${2 ** shift} + ${code}` : part;
            shift += e.args[i]!.width;
          }
          return `(${code})`;
        }
        let shift = 0;
        const parts: string[] = [];
        for (let i = e.args.length - 1; i >= 0; i--) {
          parts.push(shift === 0 ? this.big(e.args[i]!, ctx) : `(${this.big(e.args[i]!, ctx)} << ${shift}n)`);
          shift += e.args[i]!.width;
        }
        return `(${parts.join(" | ")})`;
      }
      case "bits": {
        const { lo } = e.param;
        if (small(a!.width)) {
          const shifted = lo === 0 ? this.value(a!, ctx) : `(${this.value(a!, ctx)} >>> ${lo})`;
          return w === 32 ? `(${shifted} >>> 0)` : `((${shifted} & ${mask(w)}) >>> 0)`;
        }
        return this.fromBig(`${this.value(a!, ctx)} >> ${lo}n`, w);
      }
      case "ext":
        return this.ext(a!, w, ctx, e.param.signExtend);
      case "andr":
        return small(a!.width)
          ? `(${this.value(a!, ctx)} === ${mask(a!.width)} ? 1 : 0)`
          : `(${this.value(a!, ctx)} === ${(1n << BigInt(a!.width)) - 1n}n ? 1 : 0)`;
      case "orr":
        return small(a!.width)
          ? `(${this.value(a!, ctx)} !== 0 ? 1 : 0)`
          : `(${this.value(a!, ctx)} !== 0n ? 1 : 0)`;
      case "xorr":
        return small(a!.width) ? `h.parity(${this.value(a!, ctx)})` : `h.parityBig(${this.value(a!, ctx)})`;
      case "sig":
      case "lit":
      case "cast":
        return this.value(e, ctx);
      case "undef":
        throw new Error("internal: undef reached the interpreter");
    }
  }
}

/** Orders combinational drivers so each is computed after the signals it reads. */
function combOrder(flat: FlatDesign): number[] {
  const driverOf = new Map<number, number>();
  flat.comb.forEach((d, i) => driverOf.set(d.slot, i));
  // Asynchronous memory reads are combinational too: their data depends on the address.
  const asyncRead = new Map<number, { expr: Expr; ctx: Context }>();
  for (const m of flat.memories) {
    for (const p of m.ir.readPorts)
      if (!p.synchronous) asyncRead.set(m.ctx.slots.get(p.data)!, { expr: p.addr, ctx: m.ctx });
  }
  const order: number[] = [];
  const state = new Map<number, 1 | 2>();
  const depsOf = (e: Expr, ctx: Context): number[] => {
    const out: number[] = [];
    const seen = new Set<Expr>();
    const stack = [e];
    while (stack.length) {
      const x = stack.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      if (x.op === "sig") out.push(ctx.slots.get(x as Signal)!);
      else stack.push(...x.args);
    }
    return out;
  };
  const visit = (root: number) => {
    const stack: Array<{ slot: number; deps?: number[]; i: number }> = [{ slot: root, i: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (!top.deps) {
        if (state.get(top.slot) === 2) {
          stack.pop();
          continue;
        }
        state.set(top.slot, 1);
        const d = driverOf.get(top.slot);
        const a = asyncRead.get(top.slot);
        top.deps =
          d !== undefined ? depsOf(flat.comb[d]!.expr, flat.comb[d]!.ctx) : a ? depsOf(a.expr, a.ctx) : [];
      }
      if (top.i < top.deps.length) {
        const next = top.deps[top.i++]!;
        if (state.get(next) === 1) throw new Error(`combinational loop through ${flat.slots[next]!.path}`);
        if (state.get(next) !== 2) stack.push({ slot: next, i: 0 });
        continue;
      }
      stack.pop();
      state.set(top.slot, 2);
      order.push(top.slot);
    }
  };
  for (const d of flat.comb) visit(d.slot);
  for (const slot of asyncRead.keys()) visit(slot);
  return order;
}

export function compileDesign(flat: FlatDesign): CompiledDesign {
  const order = combOrder(flat);
  const driverOf = new Map(flat.comb.map((d) => [d.slot, d]));
  const asyncRead = new Map<number, { mem: number; addr: Expr; ctx: Context }>();
  for (const m of flat.memories) {
    for (const p of m.ir.readPorts) {
      if (!p.synchronous) asyncRead.set(m.ctx.slots.get(p.data)!, { mem: m.index, addr: p.addr, ctx: m.ctx });
    }
  }

  const comb = new FunctionWriter();
  for (const slot of order) {
    const d = driverOf.get(slot);
    if (d) comb.lines.push(`s[${slot}] = ${comb.value(d.expr, d.ctx)};`);
    const a = asyncRead.get(slot);
    if (a) {
      const zero = small(flat.slots[slot]!.width) ? "0" : "0n";
      comb.lines.push(`s[${slot}] = mem[${a.mem}][${comb.value(a.addr, a.ctx)}] ?? ${zero};`);
    }
  }

  const tick = new FunctionWriter();
  const commits: string[] = [];
  const resetActive =
    flat.resetSlot === undefined
      ? "false"
      : flat.resetActiveLow
        ? `s[${flat.resetSlot}] === 0`
        : `s[${flat.resetSlot}] === 1`;
  tick.lines.push(`const rst = ${resetActive};`);
  flat.regs.forEach((r, i) => {
    const w = flat.slots[r.slot]!.width;
    const next = tick.value(r.next, r.ctx);
    const init = r.init === undefined ? undefined : small(w) ? `${r.init}` : `${r.init}n`;
    tick.lines.push(`const n${i} = ${init === undefined ? next : `rst ? ${init} : ${next}`};`);
    commits.push(`s[${r.slot}] = n${i};`);
  });
  for (const m of flat.memories) {
    for (const [j, p] of m.ir.readPorts.entries()) {
      if (!p.synchronous) continue;
      const slot = m.ctx.slots.get(p.data)!;
      const zero = small(m.ir.width) ? "0" : "0n";
      tick.lines.push(
        `const r${m.index}_${j} = ${tick.value(p.enable, m.ctx)} ? (mem[${m.index}][${tick.value(p.addr, m.ctx)}] ?? ${zero}) : s[${slot}];`,
      );
      commits.push(`s[${slot}] = r${m.index}_${j};`);
    }
    for (const [j, wp] of m.ir.writePorts.entries()) {
      tick.lines.push(`const we${m.index}_${j} = ${tick.value(wp.enable, m.ctx)};`);
      tick.lines.push(`const wa${m.index}_${j} = ${tick.value(wp.addr, m.ctx)};`);
      tick.lines.push(`const wd${m.index}_${j} = ${tick.value(wp.data, m.ctx)};`);
      commits.push(
        `if (we${m.index}_${j} && wa${m.index}_${j} < ${m.ir.depth}) mem[${m.index}][wa${m.index}_${j}] = wd${m.index}_${j};`,
      );
    }
  }
  const make = (lines: string[]) =>
    new Function("h", `return function (s, mem) {\n${lines.join("\n")}\n};`)(
      helpers,
    ) as CompiledDesign["comb"];
  return { comb: make(comb.lines), tick: make([...tick.lines, ...commits]) };
}
