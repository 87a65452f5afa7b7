// The resource estimate and the generated hardware place every memory alike (one policy,
// src/core/memory-style.ts): for random layer shapes and foldings, the block RAM the estimate
// charges equals the block RAM the elaborated MVAU asks for, memory by memory summed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planAccelerator } from "../../src/compiler/plan.js";
import { buildReport } from "../../src/compiler/report.js";
import { divisors } from "../../src/core/divisors.js";
import { memoryPlacement } from "../../src/core/memory-style.js";
import { elaborate } from "../../src/dsl/index.js";
import type { ModuleIR } from "../../src/dsl/ir.js";
import { estimateOptionsFor, getBoard } from "../../src/fold/boards.js";
import { blocksAsYosys, bram18For, estimateLayer, memoryCost } from "../../src/fold/estimate.js";
import { ICE40_EBR_SHAPES } from "../../src/fold/ice40-boards.js";
import { layerShapes } from "../../src/fold/layer-shape.js";
import { Mvau } from "../../src/lib/mvau/mvau.js";
import type { WeightMemoryStyle } from "../../src/lib/mvau/params.js";
import { isWeightMemoryName } from "../../src/lib/mvau/weight-memory.js";
import type { Model } from "../../src/model/model-format.js";
import { forIce40 } from "../../src/synth/ice40.js";

/** Every memory of a module tree with its style. */
function memories(m: ModuleIR): { name: string; depth: number; width: number; style: string }[] {
  return [...m.memories, ...m.instances.flatMap((i) => memories(i.module))];
}

const layerArb = fc
  .record({
    mw: fc.constantFrom(16, 64, 96, 256, 512),
    mh: fc.constantFrom(4, 16, 64, 128),
    wBits: fc.integer({ min: 2, max: 8 }),
    outBits: fc.constantFrom(1, 2, 4),
    seed: fc.integer({ min: 1, max: 1000 }),
  })
  .chain((g) =>
    fc.record({
      g: fc.constant(g),
      simd: fc.constantFrom(...divisors(g.mw).filter((d) => d <= 32)),
      pe: fc.constantFrom(...divisors(g.mh).filter((d) => d <= 16)),
    }),
  );

/** A streamlined two-layer model whose first layer has the given shape and per-channel thresholds. */
function modelOf(g: { mw: number; mh: number; wBits: number; outBits: number; seed: number }): Model {
  let s = g.seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const wMax = 2 ** (g.wBits - 1) - 1;
  const weights = Array.from({ length: g.mh }, () =>
    Array.from({ length: g.mw }, () => Math.floor(next() * (2 * wMax + 1)) - wMax),
  );
  const count = 2 ** g.outBits - 1;
  const thresholds = Array.from({ length: g.mh }, () =>
    Array.from({ length: count }, () => Math.floor((next() - 0.5) * 2000)).sort((a, b) => a - b),
  );
  return {
    format: "loom-qnn",
    version: 1,
    name: "shape",
    input: { shape: [g.mw], datatype: "UINT4" },
    layers: [
      {
        name: "fc0",
        kind: "dense",
        inFeatures: g.mw,
        outFeatures: g.mh,
        weightDatatype: `INT${g.wBits}`,
        weights,
        activation: { kind: "thresholds", outDatatype: `UINT${g.outBits}`, outBias: 0, thresholds },
      },
      {
        name: "fc1",
        kind: "dense",
        inFeatures: g.mh,
        outFeatures: 2,
        weightDatatype: "INT2",
        weights: [Array(g.mh).fill(1), Array(g.mh).fill(-1)],
        activation: { kind: "none", bias: 0, scale: 1 },
      },
    ],
    output: { argmax: true },
  };
}

describe("memory style: one policy for the estimate and the hardware", () => {
  it("charges exactly the block RAM the generated MVAU asks for", () => {
    let blocks = 0;
    fc.assert(
      fc.property(layerArb, ({ g, simd, pe }) => {
        const model = modelOf(g);
        const folding = { pe, simd };
        const plan = planAccelerator(model, [folding, { pe: 1, simd: 1 }]);
        const hw = memories(elaborate(Mvau, plan.layers[0]!.mvau).top);
        const hwBram = hw
          .filter((m) => m.style === "block")
          .reduce((n, m) => n + bram18For(m.depth, m.width), 0);
        blocks += hwBram > 0 ? 1 : 0;
        expect(estimateLayer(layerShapes(model)[0]!, folding).bram18).toBe(hwBram);
      }),
      { numRuns: 30 },
    );
    // The shapes must exercise both sides of the rule.
    expect(blocks).toBeGreaterThan(0);
  });

  it("for every weight-memory style, the report's label and estimate are what the MVAU builds", () => {
    const styles: Array<{ choice: WeightMemoryStyle; runtime: boolean }> = [
      { choice: "auto", runtime: false },
      { choice: "block", runtime: false },
      { choice: "distributed", runtime: false },
      { choice: "auto", runtime: true },
      { choice: "block", runtime: true },
      { choice: "distributed", runtime: true },
      { choice: "ultra", runtime: true },
    ];
    const board = getBoard("zcu104");
    fc.assert(
      fc.property(layerArb, fc.constantFrom(...styles), ({ g, simd, pe }, { choice, runtime }) => {
        const model = modelOf(g);
        const plan = planAccelerator(
          model,
          [
            { pe, simd },
            { pe: 1, simd: 1 },
          ],
          {
            weightMemory: choice,
            runtimeWeights: runtime,
          },
        );
        // Each PE's weights: a module of its own holding one memory (weight-memory.ts).
        const top = elaborate(Mvau, plan.layers[0]!.mvau).top;
        const weights = top.instances
          .filter((i) => isWeightMemoryName(i.module.desiredName))
          .flatMap((i) => memories(i.module));
        expect(weights).toHaveLength(pe);
        const style = weights[0]!.style;
        if (choice !== "auto") expect(style).toBe(choice);
        // Counted from the hardware's memories, by the primitives' geometry.
        const hw = { bram18: 0, uram: 0, lut: 0 };
        for (const m of weights) {
          if (m.style === "block") hw.bram18 += bram18For(m.depth, m.width);
          else if (m.style === "ultra") hw.uram += Math.ceil(m.depth / 4096) * Math.ceil(m.width / 72);
          else hw.lut += Math.ceil(m.depth / 64) * m.width; // as LUT ROM: a LUT6 holds 64 × 1
        }
        const report = buildReport(plan, layerShapes(model), board, 200, "shape", {
          inputBits: 8,
          outputBits: 8,
        });
        const layer = report.layers[0]!;
        expect(layer.weightMemory.style).toBe(style);
        const est = estimateLayer(
          layerShapes(model)[0]!,
          { pe, simd, weightMemory: choice },
          { runtimeWeights: runtime },
        );
        expect(layer.estimate).toEqual(est);
        // The rest of the layer (thresholds, input buffer) is costed alike in both; the weights
        // are the difference between this style and LUT ROM.
        const lutOnly = estimateLayer(layerShapes(model)[0]!, { pe, simd, weightMemory: "distributed" });
        expect(est.uram).toBe(hw.uram);
        expect(est.bram18 - lutOnly.bram18).toBe(hw.bram18);
        // LUT ROM weights cost a LUT per 64 bits; block RAM and UltraRAM none; writable LUT RAM
        // (RAM64M8, 7 data bits per 8 LUTs) more than ROM.
        const romWeights = pe * Math.ceil(((g.mw / simd) * (g.mh / pe)) / 64) * simd * g.wBits;
        if (style !== "distributed") expect(lutOnly.lutram - est.lutram).toBe(romWeights);
        else if (!runtime) expect(est.lutram).toBe(lutOnly.lutram);
        else expect(est.lutram).toBeGreaterThan(lutOnly.lutram);
        if (style === "distributed") expect(hw.lut).toBe(romWeights);
      }),
      { numRuns: 40 },
    );
  });

  it("refuses UltraRAM for weights from the bitstream, in the estimate and the generator alike", () => {
    const model = modelOf({ mw: 16, mh: 4, wBits: 4, outBits: 2, seed: 3 });
    expect(() =>
      planAccelerator(
        model,
        [
          { pe: 1, simd: 1 },
          { pe: 1, simd: 1 },
        ],
        { weightMemory: "ultra" },
      ),
    ).toThrow(/UltraRAM cannot be initialised from the bitstream/);
    expect(() => memoryCost("table", 4096, 72, {}, { choice: "ultra" })).toThrow(/UltraRAM/);
    expect(memoryCost("table", 8192, 72, {}, { choice: "ultra", writable: true }).uram).toBe(2);
  });

  it("answers the issue's example alike in the estimate and the policy (128 × 48: LUT ROM)", () => {
    expect(memoryPlacement({ use: "table", depth: 128, width: 48 }).style).toBe("distributed");
    expect(memoryCost("table", 128, 48).bram18).toBe(0);
  });

  it("on a part without LUT RAM, places unpinned memories as the iCE40 flow builds them", () => {
    const ice40 = { lutRam: false };
    // Input buffers are unpinned below 4 Kib: logic up to 1 Kib, block RAM (Yosys's choice) above.
    expect(memoryPlacement({ use: "buffer", depth: 16, width: 64 }, ice40).style).toBe("distributed");
    expect(memoryPlacement({ use: "buffer", depth: 16, width: 196 }, ice40)).toEqual({
      style: "block",
      pinned: false,
    });
    expect(memoryPlacement({ use: "buffer", depth: 16, width: 196 }).style).toBe("distributed");
    // Pinned memories keep their style.
    expect(memoryPlacement({ use: "table", depth: 64, width: 64 }, ice40).style).toBe("distributed");
    // forIce40 pins to logic exactly the unpinned memories the policy puts in logic.
    const v =
      '  reg [63:0] small [0:15];\n  reg [195:0] wide [0:15];\n  (* ram_style = "block" *) reg [1:0] t [0:15];\n';
    expect(forIce40(v)).toBe(
      '  (* ram_style = "logic" *) reg [63:0] small [0:15];\n  reg [195:0] wide [0:15];\n  (* ram_style = "block" *) reg [1:0] t [0:15];\n',
    );
    const est = estimateOptionsFor(getBoard("icebreaker"));
    expect(memoryCost("buffer", 16, 196, est)).toMatchObject({ bram18: 13, lut: 0 });
    expect(memoryCost("buffer", 16, 64, est)).toMatchObject({ bram18: 0, lut: 8 * 64, ff: 16 * 64 });
  });

  it("counts EBRs in the shape Yosys's memory_libmap picks (synth_ice40 measured)", () => {
    const shapes = ICE40_EBR_SHAPES;
    expect(blocksAsYosys(6272, 16, shapes)).toBe(26); // 13 banks of 512 × 8; the fewest would be 25
    expect(bram18For(6272, 16, shapes)).toBe(25);
    expect(blocksAsYosys(256, 196, shapes)).toBe(13); // 256 × 16, one bank
    expect(blocksAsYosys(4096, 2, shapes)).toBe(2);
  });
});
