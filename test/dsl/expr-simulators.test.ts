// The DSL's semantics against two real simulators: hundreds of random expression DAGs are
// batched into one design (one Verilator build), then driven with random inputs. The
// interpreter, Verilator, Icarus and an independent BigInt model must agree bit for bit.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { buildIcarus, buildVerilator, lintVerilog, type SimModel } from "../../sim/index.js";
import {
  type DesignIR,
  defineModule,
  elaborate,
  input,
  instance,
  output,
  ports,
  SInt,
  UInt,
} from "../../src/dsl/index.js";
import type { Signal } from "../../src/dsl/signal.js";
import { Simulator } from "../../src/interp/simulator.js";
import { type EmittedDesign, emitVerilog } from "../../src/rtl/emit.js";
import {
  evaluateRecipe,
  type Recipe,
  RecipeModule,
  recipeArbitrary,
  typeOf,
} from "../support/random-expr.js";

const RECIPES = fc.sample(recipeArbitrary(), { numRuns: 250, seed: 20261126 });

/** Every recipe as a child instance; its ports appear at the top as `p<k>_i<j>` / `p<k>_o<j>`. */
const Batch = defineModule("ExprBatch", (recipes: Recipe[]) => {
  const spec: Record<string, ReturnType<typeof input> | ReturnType<typeof output>> = {};
  recipes.forEach((r, k) => {
    r.inputs.forEach((s, j) => (spec[`p${k}_i${j}`] = input(s.signed ? SInt(s.width) : UInt(s.width))));
    typeOf(r)
      .slice(r.inputs.length)
      .forEach((t, j) => (spec[`p${k}_o${j}`] = output(t.signed ? SInt(t.width) : UInt(t.width))));
  });
  const io = ports(spec) as unknown as Record<string, Signal>;
  recipes.forEach((r, k) => {
    const child = instance(`e${k}`, RecipeModule, r) as unknown as Record<string, Signal>;
    r.inputs.forEach((_, j) => child[`i${j}`]!.set(io[`p${k}_i${j}`]!));
    r.steps.forEach((_, j) => io[`p${k}_o${j}`]!.set(child[`o${j}`]!));
  });
  return io;
});

function randomVectors(cycles: number, seed: number): Array<Record<string, bigint>> {
  const gen = fc.sample(fc.bigInt(0n, (1n << 70n) - 1n), { numRuns: cycles * 1000, seed });
  let n = 0;
  return Array.from({ length: cycles }, () => {
    const v: Record<string, bigint> = {};
    RECIPES.forEach((r, k) =>
      r.inputs.forEach((s, j) => (v[`p${k}_i${j}`] = BigInt.asUintN(s.width, gen[n++ % gen.length]!))),
    );
    return v;
  });
}

function expected(vec: Record<string, bigint>): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  RECIPES.forEach((r, k) => {
    const vals = evaluateRecipe(
      r,
      r.inputs.map((_, j) => vec[`p${k}_i${j}`]!),
    );
    vals.forEach((v, j) => (out[`p${k}_o${j}`] = v));
  });
  return out;
}

describe("random expressions: interpreter = Verilator = Icarus = BigInt model", () => {
  let design: DesignIR;
  let emitted: EmittedDesign;
  let verilator: SimModel;
  let icarus: SimModel;

  beforeAll(async () => {
    design = elaborate(Batch, RECIPES);
    emitted = emitVerilog(design);
    [verilator, icarus] = await Promise.all([buildVerilator(emitted), buildIcarus(emitted)]);
  });

  it("batches hundreds of expressions into one design that lints clean", async () => {
    const steps = RECIPES.reduce((s, r) => s + r.steps.length, 0);
    expect(steps).toBeGreaterThan(1000);
    await lintVerilog(emitted);
  });

  it("agrees on every output for random inputs", async () => {
    const vectors = randomVectors(40, 7);
    const interp = new Simulator(design).runCycles(vectors);
    const fromVerilator = await verilator.runCycles(vectors);
    const fromIcarus = await icarus.runCycles(vectors.slice(0, 10));
    // The harnesses return signed ports as negative numbers; compare bit patterns.
    const widths = new Map(emitted.topPorts.map((p) => [p.name, p.width]));
    const bits = (name: string, v: bigint | undefined) =>
      v === undefined ? v : BigInt.asUintN(widths.get(name)!, v);
    vectors.forEach((vec, c) => {
      const want = expected(vec);
      for (const [name, v] of Object.entries(want)) {
        expect(bits(name, interp[c]![name]), `interpreter ${name} cycle ${c}`).toBe(v);
        expect(bits(name, fromVerilator[c]![name]), `verilator ${name} cycle ${c}`).toBe(v);
        if (c < 10) expect(bits(name, fromIcarus[c]![name]), `icarus ${name} cycle ${c}`).toBe(v);
      }
    });
  });
});
