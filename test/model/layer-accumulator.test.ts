// The model analysis (layerAccumulator, which sizes the estimate) and the MVAU generator's shape
// (mvauShape, which sizes the hardware) derive a layer's accumulator from one function: on random
// streamlined networks they agree on its range and datatype, and the comparison width the
// estimate uses is never narrower than the accumulator.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planAccelerator } from "../../src/compiler/plan.js";
import { layerShapes } from "../../src/fold/layer-shape.js";
import { layerAccumulator } from "../../src/model/layer-accumulator.js";
import { networkArbitrary } from "../support/random-network.js";

describe("one accumulator per layer", () => {
  it("gives the analysis and the hardware the same accumulator range and type", () => {
    fc.assert(
      fc.property(networkArbitrary(), ({ model, folding }) => {
        const plan = planAccelerator(model, folding.layers);
        const shapes = layerShapes(model);
        model.layers.forEach((_, i) => {
          const analysis = layerAccumulator(model, i);
          const hw = plan.layers[i]!.shape;
          expect(analysis.exact).toEqual(hw.accRange);
          expect(analysis.accumulator).toEqual(hw.accType);
          expect(shapes[i]!.accBits).toBeGreaterThanOrEqual(hw.accType.bits);
        });
      }),
      { numRuns: 60 },
    );
  });
});
