// End to end for convolutional networks: random small conv networks (padding symmetric and
// asymmetric, strides 1 and 2, rectangular kernels, max-pools with kernel = stride and not,
// dense tails, various datatypes and foldings) are compiled and co-simulated in Verilator under
// random input bubbles and output backpressure; every score and class must equal the golden
// model's, and without stalls the measured interval must be the plan's within a few percent
// (the plan takes the slowest block; docs/compiler.md says where it is a bound), and the first
// image's latency exactly the report's. Two of them again with the parallel window
// (SIMD = KH·KW·C) in every conv layer that can have it.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/compiler/generate.js";
import { simulateAccelerator } from "../../src/compiler/simulate.js";
import { parseDataType } from "../../src/core/datatypes.js";
import { layerShapes, simdChoices } from "../../src/fold/layer-shape.js";
import { runGolden } from "../../src/model/golden/index.js";
import { convNetworkArbitrary } from "../support/random-conv-accelerator.js";
import { randomInputs } from "../support/random-network.js";

// Three of one seed, and one with a kernel = stride pool after symmetric padding.
const NETWORKS = [
  ...fc.sample(convNetworkArbitrary(), { numRuns: 3, seed: 6 }),
  fc.sample(convNetworkArbitrary(), { numRuns: 2, seed: 1 })[1]!,
];

/**
 * The network with every conv layer that can have one folded to its parallel window, at PE 1 so
 * that the MVAU (OC cycles per window) paces the window where the image allows it.
 */
function withParallelWindows(n: (typeof NETWORKS)[number]): (typeof NETWORKS)[number] {
  const shapes = layerShapes(n.model);
  const layers = n.folding.layers.map((l, i) =>
    shapes[i]!.conv ? { ...l, pe: 1, simd: simdChoices(shapes[i]!).at(-1)! } : l,
  );
  return { ...n, folding: { layers } };
}

// A 1×2 window at stride 2×1, then a 2×2 one at stride 2 (window-bound); a 2×1 window at stride
// 2, then a padded 2×3 one at stride 1 whose MVAU paces it (3 × 3 windows of 18 cycles) before a
// max-pool. (A strided max-pool after a parallel window can become the slowest block, where
// its cycle formula is a bound up to 20 % high: seed 6's network 0 plans 85, runs 72.)
const PARALLEL = [
  withParallelWindows(fc.sample(convNetworkArbitrary(), { numRuns: 2, seed: 3 })[1]!),
  withParallelWindows(fc.sample(convNetworkArbitrary(), { numRuns: 2, seed: 1 })[1]!),
];

describe("compiled random conv networks in Verilator", () => {
  [...NETWORKS, ...PARALLEL].forEach(({ model, folding }, k) => {
    const summary = model.layers
      .map((l) =>
        l.kind === "conv"
          ? `conv ${l.inShape.join("x")} k${l.kernel.join("x")} s${l.stride.join("x")}${l.pool ? ` pool${l.pool.kernel.join("x")}/${l.pool.stride.join("x")}` : ""}`
          : `fc ${l.inFeatures}→${l.outFeatures}`,
      )
      .join(", ");
    const parallel = k >= NETWORKS.length ? ", parallel windows" : "";
    it(`network ${k} (${summary}${parallel}) equals the golden model`, async () => {
      const compiled = compileModel(model, {
        board: "zcu104",
        folding,
        scores: true,
        exposeFifoCounts: true,
      });
      const inputs = randomInputs(model, 6, 500 + k, parseDataType(model.input.datatype));
      const golden = runGolden(compiled.streamlined, inputs);

      const stalled = await simulateAccelerator(compiled, inputs, "verilator", {
        validPattern: { probability: 0.5, seed: k },
        readyPattern: { probability: 0.4, seed: 100 + k },
      });
      expect(stalled.outputs).toEqual(golden.scores);
      expect(stalled.predictions).toEqual(golden.predictions);

      const free = await simulateAccelerator(compiled, inputs, "verilator");
      expect(free.outputs).toEqual(golden.scores);
      const planned = compiled.report.initiationInterval;
      expect(Math.abs(free.cyclesPerInference - planned)).toBeLessThanOrEqual(0.05 * planned);
      // The report's latency model (src/compiler/latency.ts) is exact without stalls.
      expect(free.latencyCycles).toBe(compiled.report.latencyCycles);
      for (const [port, peak] of Object.entries(free.fifoPeaks ?? {})) {
        const depth = compiled.plan.links[Number(port.match(/\d+/)![0])]!.fifoDepth;
        expect(peak).toBeLessThanOrEqual(depth);
      }
    });
  });

  it("network 1 runs the same in Icarus", async () => {
    const { model, folding } = NETWORKS[1]!;
    const compiled = compileModel(model, { board: "zcu104", folding, scores: true });
    const inputs = randomInputs(model, 2, 77, parseDataType(model.input.datatype));
    const r = await simulateAccelerator(compiled, inputs, "icarus", {
      readyPattern: { probability: 0.5, seed: 3 },
    });
    expect(r.outputs).toEqual(runGolden(compiled.streamlined, inputs).scores);
  });
});
