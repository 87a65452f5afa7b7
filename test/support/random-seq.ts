// Random sequential circuits: registers with and without reset, updated through when /
// elsewhen / otherwise trees from random expressions that read inputs and registers, and a
// RAM with a synchronous read. The interpreter is checked against Verilator on them.
import fc from "fast-check";
import {
  defineModule,
  type Expr,
  input,
  output,
  ports,
  ram,
  reg,
  SInt,
  UInt,
  when,
} from "../../src/dsl/index.js";
import type { Signal } from "../../src/dsl/signal.js";
import { applyStep, type Recipe, recipeArbitrary } from "./random-expr.js";

export interface Assignment {
  cond: number;
  value: number;
  elseCond?: number;
  elseValue?: number;
  otherwise?: number;
}

export interface SeqRecipe {
  /** The last `registers` inputs of the recipe are registers; the rest are ports. */
  recipe: Recipe;
  registers: number;
  inits: Array<bigint | undefined>;
  assigns: Assignment[];
  mem?: {
    depth: number;
    width: number;
    waddr: number;
    wdata: number;
    wen: number;
    raddr: number;
    ren: number;
  };
}

/** Fits node `e` into a type: reinterpret the sign, then truncate or extend. */
function fitTo(e: Expr, width: number, signed: boolean): Expr {
  let x = signed ? e.asSInt() : e.asUInt();
  if (x.width > width) x = x.trunc(width);
  return x.width < width ? x.pad(width) : x;
}

export function seqArbitrary(): fc.Arbitrary<SeqRecipe> {
  return fc
    .tuple(
      recipeArbitrary(6, 20),
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.nat(),
          fc.nat(),
          fc.nat(),
          fc.nat(),
          fc.integer({ min: 0, max: 2 }),
          fc.option(fc.bigInt(0n, 1n << 70n)),
        ),
        {
          minLength: 6,
          maxLength: 6,
        },
      ),
      fc.option(
        fc.tuple(
          fc.integer({ min: 1, max: 40 }),
          fc.integer({ min: 1, max: 16 }),
          fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
        ),
        {
          nil: undefined,
        },
      ),
    )
    .filter(([r]) => r.inputs.length >= 2)
    .map(([recipe, picks, memSpec]) => {
      const registers = Math.max(1, Math.floor(recipe.inputs.length / 2));
      const total = recipe.inputs.length + recipe.steps.length;
      const firstReg = recipe.inputs.length - registers;
      const inits = recipe.inputs.slice(firstReg).map((spec, i) => {
        const v = picks[i]![6];
        if (v === null) return undefined;
        return spec.signed ? BigInt.asIntN(spec.width, v) : BigInt.asUintN(spec.width, v);
      });
      const assigns = Array.from({ length: registers }, (_, i) => {
        const [c, v, ec, ev, o, shape] = picks[i]!;
        return {
          cond: c % total,
          value: v % total,
          elseCond: shape >= 1 ? ec % total : undefined,
          elseValue: shape >= 1 ? ev % total : undefined,
          otherwise: shape === 2 ? o % total : undefined,
        };
      });
      const mem = memSpec
        ? {
            width: memSpec[0],
            // Power-of-two depths: random addresses (even constant ones) then always fit.
            depth: 2 ** (1 + (memSpec[1] % 4)),
            waddr: memSpec[2][0]! % total,
            wdata: memSpec[2][1]! % total,
            wen: memSpec[2][2]! % total,
            raddr: memSpec[2][3]! % total,
            ren: memSpec[2][4]! % total,
          }
        : undefined;
      return { recipe, registers, inits, assigns, mem };
    });
}

/** Port names of the real inputs of a sequential recipe. */
export function seqInputs(r: SeqRecipe): Array<{ name: string; width: number }> {
  return r.recipe.inputs
    .slice(0, r.recipe.inputs.length - r.registers)
    .map((s, i) => ({ name: `i${i}`, width: s.width }));
}

export const SeqModule = defineModule("RandomSeq", (r: SeqRecipe) => {
  const nPorts = r.recipe.inputs.length - r.registers;
  const spec: Record<string, ReturnType<typeof input> | ReturnType<typeof output>> = {};
  const typeOfSpec = (s: { width: number; signed: boolean }) => (s.signed ? SInt(s.width) : UInt(s.width));
  r.recipe.inputs.forEach((s, k) => {
    spec[k < nPorts ? `i${k}` : `r${k - nPorts}_out`] =
      k < nPorts ? input(typeOfSpec(s)) : output(typeOfSpec(s));
  });
  if (r.mem) spec.mem_out = output(UInt(r.mem.width));
  const io = ports(spec) as unknown as Record<string, Signal>;
  const regs = r.recipe.inputs
    .slice(nPorts)
    .map((s, k) => reg(`r${k}`, typeOfSpec(s), { init: r.inits[k] }) as Signal);
  const nodes: Expr[] = [...r.recipe.inputs.slice(0, nPorts).map((_, k) => io[`i${k}`]!), ...regs];
  for (const s of r.recipe.steps) nodes.push(applyStep(s, nodes));
  const bool = (i: number) => nodes[i]!.asUInt().bit(0);
  r.assigns.forEach((a, k) => {
    const reg_ = regs[k]!;
    const value = (i: number) => fitTo(nodes[i]!, reg_.width, reg_.signed);
    const chain = when(bool(a.cond), () => reg_.next(value(a.value)));
    const tail =
      a.elseCond !== undefined
        ? chain.elsewhen(bool(a.elseCond), () => reg_.next(value(a.elseValue!)))
        : chain;
    if (a.otherwise !== undefined) tail.otherwise(() => reg_.next(value(a.otherwise!)));
    io[`r${k}_out`]!.set(reg_);
  });
  if (r.mem) {
    const m = r.mem;
    const mem = ram("mem", UInt(m.width), m.depth);
    const addr = (i: number) => fitTo(nodes[i]!, mem.addrWidth, false);
    when(bool(m.wen), () => mem.write(addr(m.waddr), fitTo(nodes[m.wdata]!, m.width, false)));
    io.mem_out!.set(mem.read(addr(m.raddr), bool(m.ren)));
  }
  return io;
});
