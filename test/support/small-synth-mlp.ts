// The smallest MLP worth a Yosys run (8 → 4 → 2, 2-bit, two layers): synthesis tests share it so
// their runs stay at tens of seconds.
import { mlpModel } from "../../bench/mlp-model.js";
import type { Model } from "../../src/model/model-format.js";

export function smallSynthMlp(name: string): Model {
  return mlpModel({
    name,
    sizes: [8, 4, 2],
    input: "UINT2",
    weights: "INT2",
    activations: "UINT2",
    folding: [
      { pe: 2, simd: 4 },
      { pe: 1, simd: 4 },
    ],
  });
}
