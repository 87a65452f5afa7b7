// MVAU weight-memory and multiplier styles in Verilator: runtime-writable weights loaded through
// the `weights` stream (in any memory style, UltraRAM included) and LUT multipliers give the
// golden model's outputs under random bubbles and backpressure on every stream, like the ROM,
// DSP-multiplier build of the same layer.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildVerilator, lintVerilog } from "../../../sim/index.js";
import type { DataType } from "../../../src/core/datatypes.js";
import { elaborate } from "../../../src/dsl/index.js";
import { Mvau, type MvauParams, mvauShape } from "../../../src/lib/mvau/index.js";
import { isWeightMemoryName } from "../../../src/lib/mvau/weight-memory.js";
import { emitVerilog } from "../../../src/rtl/emit.js";
import { INT, layerCase, UINT } from "./random-layer.js";
import { expectedBeats, inputBeats, weightLoadBeats } from "./reference.js";
import { checkInVerilator } from "./verilator-run.js";

const styleCase = fc.record({
  layer: layerCase({ maxMw: 24, maxMh: 8, maxVectors: 4 }),
  weightMemory: fc.constantFrom("auto" as const, "block" as const, "distributed" as const, "ultra" as const),
  multipliers: fc.constantFrom("dsp" as const, "lut" as const),
  seed: fc.integer({ min: 1, max: 1 << 28 }),
  loadRate: fc.constantFrom(1, 0.4),
  inRate: fc.constantFrom(1, 0.6),
  outRate: fc.constantFrom(1, 0.5),
});

describe("MVAU styles in Verilator", () => {
  it("runtime weights: loaded through the port, then inferred, equal the golden model", async () => {
    await fc.assert(
      fc.asyncProperty(
        styleCase,
        async ({ layer, weightMemory, multipliers, seed, loadRate, inRate, outRate }) => {
          const params: MvauParams = { ...layer.params, runtimeWeights: true, weightMemory, multipliers };
          const design = elaborate(Mvau, params);
          // No weight reaches the bitstream: every weight memory is a RAM without contents.
          // Each PE's weights are a module of their own (weight-memory.ts) holding one memory.
          const mems = design.top.instances
            .filter((i) => isWeightMemoryName(i.module.desiredName))
            .flatMap((i) => i.module.memories);
          expect(mems).toHaveLength(params.pe);
          for (const m of mems) {
            expect(m.init).toBeUndefined();
            expect(m.writePorts).toHaveLength(1);
          }
          const shape = mvauShape(params);
          const emitted = emitVerilog(design);
          await lintVerilog(emitted);
          const model = await buildVerilator(emitted);
          const expected = layer.vectors.flatMap((v) => expectedBeats(params, v, shape.outType));
          const pattern = (probability: number, s: number) =>
            probability === 1 ? undefined : { probability, seed: s };
          const run = await model.runStreams({
            inputs: [
              { prefix: "weights", beats: weightLoadBeats(params), validPattern: pattern(loadRate, seed) },
              {
                prefix: "in",
                beats: inputBeats(params, layer.vectors),
                validPattern: pattern(inRate, seed + 1),
              },
            ],
            outputs: [{ prefix: "out", count: expected.length, readyPattern: pattern(outRate, seed + 2) }],
          });
          expect(run.violations).toEqual([]);
          expect(run.outputs.out).toEqual(expected);
          // Nothing is computed before the last weight beat is in.
          expect(run.outputCycles.out![0]!).toBeGreaterThan(run.inputCycles.weights!.at(-1)!);
        },
      ),
      { numRuns: 2 },
    );
  });

  it("LUT multipliers give the DSP build's outputs (one 8-bit layer, packed DSPs against shift-add)", async () => {
    const random = fc.sample(
      fc.array(fc.integer({ min: -128, max: 127 }), { minLength: 8 * 12, maxLength: 8 * 12 }),
      { numRuns: 1, seed: 7 },
    )[0]!;
    const int8: DataType = INT(8);
    const base: MvauParams = {
      mw: 12,
      mh: 8,
      simd: 3,
      pe: 4,
      inputType: UINT(8),
      weightType: int8,
      weights: Array.from({ length: 8 }, (_, r) => random.slice(r * 12, (r + 1) * 12)),
      activation: { kind: "none" },
    };
    const vectors = Array.from({ length: 5 }, (_, v) =>
      Array.from({ length: 12 }, (_, i) => BigInt((v * 97 + i * 31) % 256)),
    );
    vectors.push(Array(12).fill(255n));
    const beats = (p: MvauParams) => vectors.flatMap((v) => expectedBeats(p, v, mvauShape(p).outType));
    const outputs: bigint[][] = [];
    for (const multipliers of ["dsp", "lut"] as const) {
      const p = { ...base, multipliers };
      const { fullRate } = await checkInVerilator(
        elaborate(Mvau, p),
        inputBeats(p, vectors),
        beats(p),
        [[0.6, 0.5]],
        11,
      );
      outputs.push(fullRate.outputs.out!);
    }
    expect(outputs[1]).toEqual(outputs[0]);
  });
});
