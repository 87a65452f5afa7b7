// End to end: random small networks are compiled into accelerators and co-simulated in
// Verilator with random input bubbles and output backpressure; every prediction and every raw
// score must equal the golden model's, and without stalls the measured cycles per inference
// must equal the report's initiation interval and the first image's latency the report's.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lintVerilog } from "../../sim/index.js";
import { compileModel } from "../../src/compiler/generate.js";
import { simulateAccelerator } from "../../src/compiler/simulate.js";
import { parseDataType } from "../../src/core/datatypes.js";
import { runGolden } from "../../src/model/golden/index.js";
import { matrixHeight, matrixWidth } from "../../src/model/layer-geometry.js";
import { networkArbitrary, randomInputs } from "../support/random-network.js";

const NETWORKS = fc.sample(networkArbitrary(), { numRuns: 6, seed: 424242 });

describe("compiled random networks in Verilator", () => {
  NETWORKS.forEach(({ model, folding }, k) => {
    const summary = model.layers
      .map(
        (l, i) =>
          `${matrixWidth(l)}→${matrixHeight(l)} ${l.weightDatatype} PE${folding.layers[i]!.pe}/SIMD${folding.layers[i]!.simd}`,
      )
      .join(", ");
    it(`network ${k} (${model.input.datatype} in; ${summary}) equals the golden model`, async () => {
      const compiled = compileModel(model, {
        board: "zcu104",
        folding,
        scores: true,
        exposeFifoCounts: true,
      });
      await lintVerilog(compiled.emitted);
      const inputs = randomInputs(model, 24, 1000 + k, parseDataType(model.input.datatype));
      const golden = runGolden(compiled.streamlined, inputs);

      const stalled = await simulateAccelerator(compiled, inputs, "verilator", {
        validPattern: { probability: 0.6, seed: k },
        readyPattern: { probability: 0.5, seed: 100 + k },
      });
      expect(stalled.predictions).toEqual(golden.predictions);
      expect(stalled.outputs).toEqual(golden.scores);

      const free = await simulateAccelerator(compiled, inputs, "verilator");
      expect(free.predictions).toEqual(golden.predictions);
      expect(free.cyclesPerInference).toBe(compiled.report.initiationInterval);
      // The report's latency model (src/compiler/latency.ts) is exact without stalls.
      expect(free.latencyCycles).toBe(compiled.report.latencyCycles);
      // The analytic FIFO depths hold: no FIFO ever overflows its depth (the peaks are reported).
      for (const [port, peak] of Object.entries(free.fifoPeaks ?? {})) {
        const depth = compiled.plan.links[Number(port.match(/\d+/)![0])]!.fifoDepth;
        expect(peak).toBeLessThanOrEqual(depth);
      }
    });
  });
});
