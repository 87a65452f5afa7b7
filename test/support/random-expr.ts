// Random expression DAGs for property tests: a recipe of operations over random inputs,
// turned into a Loom module, plus an independent BigInt evaluator of the same recipe.
import fc from "fast-check";
import {
  cat,
  defineModule,
  type Expr,
  input,
  lit,
  mux,
  output,
  ports,
  SInt,
  UInt,
} from "../../src/dsl/index.js";
import type { Signal } from "../../src/dsl/signal.js";

export interface InputSpec {
  width: number;
  signed: boolean;
}

/** One operation over earlier nodes (inputs come first, then operations in order). */
export type Step =
  | {
      op:
        | "add"
        | "addw"
        | "sub"
        | "subw"
        | "mul"
        | "and"
        | "or"
        | "xor"
        | "eq"
        | "ne"
        | "lt"
        | "le"
        | "gt"
        | "ge";
      a: number;
      b: number;
    }
  | { op: "not" | "andR" | "orR" | "xorR" | "asUInt" | "asSInt" | "toSInt"; a: number }
  | { op: "shl" | "shr"; a: number; n: number }
  | { op: "dshl" | "dshr"; a: number; b: number }
  | { op: "bits"; a: number; hi: number; lo: number }
  | { op: "pad" | "zext" | "sext" | "trunc"; a: number; w: number }
  | { op: "mux"; c: number; a: number; b: number }
  | { op: "cat"; a: number; b: number }
  | { op: "lit"; value: bigint; width: number; signed: boolean };

export interface Recipe {
  inputs: InputSpec[];
  steps: Step[];
}

interface Meta {
  width: number;
  signed: boolean;
}

/** Widths and signedness of every node, following docs/dsl.md's table. */
export function typeOf(recipe: Recipe): Meta[] {
  const t: Meta[] = recipe.inputs.map((i) => ({ ...i }));
  for (const s of recipe.steps) {
    const a = "a" in s ? t[s.a]! : undefined;
    const b = "b" in s ? t[s.b]! : undefined;
    switch (s.op) {
      case "add":
      case "sub":
      case "and":
      case "or":
      case "xor":
        t.push({ width: Math.max(a!.width, b!.width), signed: a!.signed });
        break;
      case "addw":
      case "subw":
        t.push({ width: Math.max(a!.width, b!.width) + 1, signed: a!.signed });
        break;
      case "mul":
        t.push({ width: a!.width + b!.width, signed: a!.signed });
        break;
      case "eq":
      case "ne":
      case "lt":
      case "le":
      case "gt":
      case "ge":
      case "andR":
      case "orR":
      case "xorR":
        t.push({ width: 1, signed: false });
        break;
      case "not":
        t.push({ ...a! });
        break;
      case "asUInt":
        t.push({ width: a!.width, signed: false });
        break;
      case "asSInt":
        t.push({ width: a!.width, signed: true });
        break;
      case "toSInt":
        t.push({ width: a!.signed ? a!.width : a!.width + 1, signed: true });
        break;
      case "shl":
        t.push({ width: a!.width + s.n, signed: a!.signed });
        break;
      case "shr":
        t.push({ width: Math.max(a!.width - s.n, 1), signed: a!.signed });
        break;
      case "dshl":
        t.push({ width: a!.width + 2 ** b!.width - 1, signed: a!.signed });
        break;
      case "dshr":
        t.push({ ...a! });
        break;
      case "bits":
        t.push({ width: s.hi - s.lo + 1, signed: false });
        break;
      case "pad":
        t.push({ width: s.w, signed: a!.signed });
        break;
      case "zext":
        t.push({ width: s.w, signed: false });
        break;
      case "sext":
        t.push({ width: s.w, signed: true });
        break;
      case "trunc":
        t.push({ width: s.w, signed: a!.signed });
        break;
      case "mux":
        t.push({ width: Math.max(a!.width, b!.width), signed: a!.signed });
        break;
      case "cat":
        t.push({ width: a!.width + b!.width, signed: false });
        break;
      case "lit":
        t.push({ width: s.width, signed: s.signed });
        break;
    }
  }
  return t;
}

/** Builds a random recipe: operand choices respect the DSL's typing rules. */
export function recipeArbitrary(maxInputs = 5, maxSteps = 25): fc.Arbitrary<Recipe> {
  const inputSpec = fc.record({ width: fc.integer({ min: 1, max: 70 }), signed: fc.boolean() });
  return fc
    .tuple(
      fc.array(inputSpec, { minLength: 1, maxLength: maxInputs }),
      fc.array(
        fc.tuple(fc.nat(1000), fc.nat(1000), fc.nat(1000), fc.nat(1000), fc.bigInt(-(1n << 80n), 1n << 80n)),
        {
          minLength: 1,
          maxLength: maxSteps,
        },
      ),
    )
    .map(([inputs, raw]) => {
      const recipe: Recipe = { inputs, steps: [] };
      for (const [k, x, y, z, big] of raw) {
        const t = typeOf(recipe);
        const pick = (r: number) => r % t.length;
        const a = pick(x);
        const ta = t[a]!;
        // Partner with the same signedness, if any.
        const same = t.map((m, i) => ({ m, i })).filter(({ m }) => m.signed === ta.signed);
        const b = same[y % same.length]!.i;
        const bools = t.map((m, i) => ({ m, i })).filter(({ m }) => m.width === 1 && !m.signed);
        const smallU = t.map((m, i) => ({ m, i })).filter(({ m }) => !m.signed && m.width <= 4);
        const kinds = 22;
        const step = ((): Step | undefined => {
          switch (k % kinds) {
            case 0:
              return { op: "add", a, b };
            case 1:
              return { op: "addw", a, b };
            case 2:
              return { op: "sub", a, b };
            case 3:
              return { op: "subw", a, b };
            case 4:
              return ta.width + t[b]!.width <= 140 ? { op: "mul", a, b } : undefined;
            case 5:
              return { op: (["and", "or", "xor"] as const)[z % 3]!, a, b };
            case 6:
              return { op: (["eq", "ne", "lt", "le", "gt", "ge"] as const)[z % 6]!, a, b };
            case 7:
              return {
                op: (["not", "andR", "orR", "xorR", "asUInt", "asSInt", "toSInt"] as const)[z % 7]!,
                a,
              };
            case 8:
              return { op: "shl", a, n: z % 12 };
            case 9:
              return { op: "shr", a, n: z % (ta.width + 3) };
            case 10:
              return smallU.length
                ? { op: z % 2 ? "dshl" : "dshr", a, b: smallU[y % smallU.length]!.i }
                : undefined;
            case 11: {
              const lo = z % ta.width;
              const hi = lo + (y % (ta.width - lo));
              return { op: "bits", a, hi, lo };
            }
            case 12:
              return { op: (["pad", "zext", "sext"] as const)[z % 3]!, a, w: ta.width + (y % 40) };
            case 13:
              return { op: "trunc", a, w: 1 + (y % ta.width) };
            case 14:
              return bools.length ? { op: "mux", c: bools[z % bools.length]!.i, a, b } : undefined;
            case 15:
              return ta.width + t[b]!.width <= 150 ? { op: "cat", a, b } : undefined;
            case 16: {
              const width = 1 + (z % 70);
              const signed = y % 2 === 0;
              const v = signed ? BigInt.asIntN(width, big) : BigInt.asUintN(width, big);
              return { op: "lit", value: v, width, signed };
            }
            default:
              return { op: (["add", "sub", "xor", "mul", "lt"] as const)[k % 5]!, a, b } as Step;
          }
        })();
        if (step && !(step.op === "mul" && ta.width + t[b]!.width > 140)) recipe.steps.push(step);
      }
      return recipe;
    });
}

/** The Loom module computing every node of a recipe; outputs `o0..oN` for the steps. */
export const RecipeModule = defineModule("RandomExpr", (r: Recipe) => {
  const spec: Record<string, ReturnType<typeof input> | ReturnType<typeof output>> = {};
  r.inputs.forEach((i, k) => (spec[`i${k}`] = input(i.signed ? SInt(i.width) : UInt(i.width))));
  const types = typeOf(r);
  r.steps.forEach((_, k) => {
    const m = types[r.inputs.length + k]!;
    spec[`o${k}`] = output(m.signed ? SInt(m.width) : UInt(m.width));
  });
  const io = ports(spec) as unknown as Record<string, Signal>;
  const nodes: Expr[] = r.inputs.map((_, k) => io[`i${k}`]!);
  for (const s of r.steps) nodes.push(applyStep(s, nodes));
  r.steps.forEach((_, k) => io[`o${k}`]!.set(nodes[r.inputs.length + k]!));
  return io;
});

/** Builds one recipe step over the nodes built so far. */
export function applyStep(s: Step, nodes: readonly Expr[]): Expr {
  const a = "a" in s ? nodes[s.a]! : undefined;
  const b = "b" in s ? nodes[s.b]! : undefined;
  let e: Expr;
  switch (s.op) {
    case "lit":
      e = lit(s.value, s.signed ? SInt(s.width) : UInt(s.width));
      break;
    case "not":
    case "andR":
    case "orR":
    case "xorR":
    case "asUInt":
    case "asSInt":
    case "toSInt":
      e = a![s.op]();
      break;
    case "shl":
    case "shr":
      e = a![s.op](s.n);
      break;
    case "bits":
      e = a!.bits(s.hi, s.lo);
      break;
    case "pad":
    case "zext":
    case "sext":
    case "trunc":
      e = a![s.op](s.w);
      break;
    case "mux":
      e = mux(nodes[s.c]!, a!, b!);
      break;
    case "cat":
      e = cat(a!, b!);
      break;
    case "dshl":
    case "dshr":
      e = a![s.op](b!);
      break;
    default:
      e = (a as any)[s.op](b!);
  }
  return e;
}

/** Independent reference: evaluates the recipe with plain BigInt math on signed/unsigned values. */
export function evaluateRecipe(r: Recipe, inputs: bigint[]): bigint[] {
  const types = typeOf(r);
  const vals: bigint[] = inputs.map((v, i) => BigInt.asUintN(r.inputs[i]!.width, v));
  const math = (i: number) => (types[i]!.signed ? BigInt.asIntN(types[i]!.width, vals[i]!) : vals[i]!);
  r.steps.forEach((s, k) => {
    const me = types[r.inputs.length + k]!;
    const w = me.width;
    const wrap = (v: bigint) => BigInt.asUintN(w, v);
    const a = "a" in s ? s.a : 0;
    const b = "b" in s ? (s as { b: number }).b : 0;
    let v: bigint;
    switch (s.op) {
      case "add":
      case "addw":
        v = wrap(math(a) + math(b));
        break;
      case "sub":
      case "subw":
        v = wrap(math(a) - math(b));
        break;
      case "mul":
        v = wrap(math(a) * math(b));
        break;
      case "and":
        v = wrap(math(a) & math(b));
        break;
      case "or":
        v = wrap(math(a) | math(b));
        break;
      case "xor":
        v = wrap(math(a) ^ math(b));
        break;
      case "eq":
        v = math(a) === math(b) ? 1n : 0n;
        break;
      case "ne":
        v = math(a) !== math(b) ? 1n : 0n;
        break;
      case "lt":
        v = math(a) < math(b) ? 1n : 0n;
        break;
      case "le":
        v = math(a) <= math(b) ? 1n : 0n;
        break;
      case "gt":
        v = math(a) > math(b) ? 1n : 0n;
        break;
      case "ge":
        v = math(a) >= math(b) ? 1n : 0n;
        break;
      case "not":
        v = wrap(~vals[a]!);
        break;
      case "andR":
        v = vals[a] === (1n << BigInt(types[a]!.width)) - 1n ? 1n : 0n;
        break;
      case "orR":
        v = vals[a] !== 0n ? 1n : 0n;
        break;
      case "xorR":
        v = BigInt([...vals[a]!.toString(2)].filter((c) => c === "1").length % 2);
        break;
      case "asUInt":
      case "asSInt":
        v = vals[a]!;
        break;
      case "toSInt":
        v = wrap(math(a));
        break;
      case "shl":
        v = wrap(math(a) << BigInt(s.n));
        break;
      case "shr":
        v = wrap(math(a) >> BigInt(s.n));
        break;
      case "dshl":
        v = wrap(math(a) << vals[b]!);
        break;
      case "dshr":
        v = wrap(math(a) >> vals[b]!);
        break;
      case "bits":
        v = (vals[a]! >> BigInt(s.lo)) & ((1n << BigInt(s.hi - s.lo + 1)) - 1n);
        break;
      case "pad":
        v = wrap(math(a));
        break;
      case "zext":
        v = vals[a]!;
        break;
      case "sext":
        v = wrap(BigInt.asIntN(types[a]!.width, vals[a]!));
        break;
      case "trunc":
        v = wrap(vals[a]!);
        break;
      case "mux":
        v = wrap(vals[s.c] ? math(a) : math(b));
        break;
      case "cat":
        v = (vals[a]! << BigInt(types[b]!.width)) | vals[b]!;
        break;
      case "lit":
        v = BigInt.asUintN(s.width, s.value);
        break;
    }
    vals.push(v);
  });
  return vals.slice(r.inputs.length);
}
