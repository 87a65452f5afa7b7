// Hundreds of generated graphs (helpers/random-graph.ts) through import and Loom's golden model
// against the reference executor: every one must import, and agree on random inputs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { layerInputDatatypes } from "../../src/model/layer-types.js";
import { importOnnx } from "../../src/onnx/import.js";
import { readOnnx } from "../../src/onnx/read.js";
import { rng } from "./helpers/build.js";
import { expectSameOutputs } from "./helpers/compare.js";
import { buildRecipe, graphRecipe } from "./helpers/random-graph.js";

describe("generated graphs mixing exporter patterns", () => {
  it("import, and the golden model reproduces the executor", () => {
    let boundary = 0;
    let graphs = 0;
    let clamps = 0;
    const seen = { clips: 0, oddGrids: 0, wide: 0 };
    fc.assert(
      fc.property(graphRecipe, (recipe) => {
        const built = buildRecipe(recipe);
        const { model, host } = importOnnx(built.bytes, { name: "generated" });
        const graph = readOnnx(built.bytes);
        clamps += model.layers.filter((l) => l.activation.kind === "none" && l.activation.relu).length;
        seen.clips += built.counts.clips;
        seen.oddGrids += built.counts.oddGrids;
        // A value passed on between layers wider than 16 bits (after a 16-bit fixed-point input).
        if (layerInputDatatypes(model).some((t) => t.bits > 16)) seen.wide++;
        const r = rng(recipe.seed);
        for (let s = 0; s < 4; s++) {
          if (expectSameOutputs(graph, model, host, built.input(r)) === "boundary") boundary++;
        }
        graphs++;
      }),
      { numRuns: 300, seed: 11 },
    );
    expect(graphs).toBe(300);
    expect(boundary).toBe(0);
    // Relu with no quantizer between layers (the MVAU's clamp at zero) is among the patterns.
    expect(clamps).toBeGreaterThan(20);
    // Clip between layers, MultiThresholds folded into the next layer, wide values passed on.
    expect(seen.clips).toBeGreaterThan(20);
    expect(seen.oddGrids).toBeGreaterThan(20);
    expect(seen.wide).toBeGreaterThan(10);
  });
});
