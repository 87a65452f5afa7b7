import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { elaborate } from "../../src/dsl/index.js";
import { Simulator } from "../../src/interp/simulator.js";
import { evaluateRecipe, RecipeModule, recipeArbitrary } from "../support/random-expr.js";

describe("interpreter against an independent BigInt model", () => {
  it("evaluates random expression DAGs bit-exactly", () => {
    fc.assert(
      fc.property(
        recipeArbitrary(),
        fc.array(fc.bigInt(-(1n << 80n), 1n << 80n), { minLength: 5, maxLength: 5 }),
        (recipe, raw) => {
          const sim = new Simulator(elaborate(RecipeModule, recipe));
          const inputs = recipe.inputs.map((_, i) => raw[i]!);
          inputs.forEach((v, i) => sim.poke(`i${i}`, BigInt.asUintN(recipe.inputs[i]!.width, v)));
          const want = evaluateRecipe(recipe, inputs);
          want.forEach((v, k) =>
            expect(
              sim.peek(`o${k}`),
              `o${k} = ${JSON.stringify(recipe.steps[k], (_k, x) => (typeof x === "bigint" ? `${x}` : x))}`,
            ).toBe(v),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
