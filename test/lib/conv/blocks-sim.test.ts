// The conv blocks in Verilator (a sample of random configurations and a few typical ones — 3×3
// windows in block RAM and at stride 2, parallel windows alone and in conv layers, 2×2 and 3×3/2
// max-pools, a conv layer with TensorFlow's "same" padding at stride 2 —, all in one build,
// driven at full rate and under producer gaps and consumer stalls), lint-clean under -Wall, cycle for
// cycle equal to the interpreter; and a tiny set in Icarus.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildIcarus, buildVerilator, lintVerilog, type StreamSpec } from "../../../sim/index.js";
import type { DataType } from "../../../src/core/datatypes.js";
import { samePadding } from "../../../src/core/window.js";
import { elaborate } from "../../../src/dsl/index.js";
import type { MaxPoolParams, SlidingWindowParams } from "../../../src/lib/conv/index.js";
import { emitVerilog } from "../../../src/rtl/emit.js";
import { interpStreams } from "../stream/interp-streams.js";
import { imageArb } from "./beats.js";
import { type Block, BlocksTop } from "./blocks-top.js";
import { type ConvCase, convCase, convStreams, parallelConvCase } from "./conv-cases.js";
import { paddingCase, paddingStreams } from "./padding-cases.js";
import { poolCase, poolStreams } from "./pool-cases.js";
import {
  anyWindowStreams,
  parallelWindowCase,
  parallelWindowStreams,
  windowCase,
  windowStreams,
} from "./window-cases.js";

interface Checked {
  block: Block;
  inputs: bigint[];
  expected: bigint[];
}

/** Random configurations drawn with a fixed seed, so the build is cached between runs. */
function sample(
  seed: number,
  counts: { window: number; padding: number; pool: number; conv: number; parallel?: number },
): Checked[] {
  const draw = <T>(arb: fc.Arbitrary<T>, n: number, s: number) =>
    n === 0 ? [] : fc.sample(arb, { seed: s, numRuns: n });
  return [
    ...draw(windowCase({ maxSide: 6, maxChannels: 4, maxImages: 2 }), counts.window, seed).map((c) => ({
      block: { kind: "window" as const, params: c.params },
      ...windowStreams(c),
    })),
    ...draw(paddingCase(5, 2), counts.padding, seed + 1).map((c) => ({
      block: { kind: "padding" as const, params: c.params },
      ...paddingStreams(c.params, c.images),
    })),
    ...draw(poolCase(6, 2), counts.pool, seed + 2).map((c) => ({
      block: { kind: "pool" as const, params: c.params },
      ...poolStreams(c),
    })),
    ...draw(convCase(5, 2), counts.conv, seed + 3).map((c) => ({
      block: { kind: "conv" as const, params: c.params },
      ...convStreams(c),
    })),
    // Parallel windows, alone and in a conv layer.
    ...draw(
      parallelWindowCase({ maxSide: 6, maxChannels: 3, maxImages: 2 }),
      counts.parallel ?? 0,
      seed + 4,
    ).map((c) => ({ block: { kind: "window" as const, params: c.params }, ...parallelWindowStreams(c) })),
    ...draw(parallelConvCase(5, 2), counts.parallel ?? 0, seed + 5).map((c) => ({
      block: { kind: "conv" as const, params: c.params },
      ...convStreams(c),
    })),
  ];
}

/** Typical layers beside the random ones (whose sample leans to tiny shapes). */
function typical(seed: number): Checked[] {
  const images = (h: number, w: number, c: number, dt: DataType, n: number) =>
    fc.sample(imageArb(h, w, c, dt), { seed, numRuns: n });
  const UINT4: DataType = { kind: "UINT", bits: 4 };
  const INT4: DataType = { kind: "INT", bits: 4 };
  const window = (params: SlidingWindowParams): Checked => ({
    block: { kind: "window", params },
    ...anyWindowStreams({
      params,
      dt: UINT4,
      images: images(params.height, params.width, params.channels, UINT4, 2),
    }),
  });
  const pool = (params: MaxPoolParams): Checked => ({
    block: { kind: "pool", params },
    ...poolStreams({
      params,
      images: images(params.height, params.width, params.channels, params.dataType, 2),
    }),
  });
  // TensorFlow's "same" at stride 2 on 7 × 8: 0 rows above, 1 below (the kernel 3 needs 2 of them:
  // ⌈7/2⌉ = 4 outputs), 0 columns left, 1 right.
  const [top, bottom] = samePadding(7, 3, 2);
  const [left, right] = samePadding(8, 3, 2);
  const convWeights = fc.sample(
    fc.array(fc.array(fc.integer({ min: -8, max: 7 }), { minLength: 27, maxLength: 27 }), {
      minLength: 4,
      maxLength: 4,
    }),
    { seed, numRuns: 1 },
  )[0]!;
  const conv: ConvCase = {
    params: {
      name: "same",
      height: 7,
      width: 8,
      channels: 3,
      kernel: [3, 3],
      stride: [2, 2],
      padding: { top, bottom, left, right },
      padValue: 0n,
      simd: 3,
      pe: 2,
      inputType: UINT4,
      weightType: INT4,
      weights: convWeights,
      activation: { kind: "none" },
    },
    images: images(7, 8, 3, UINT4, 2),
  };
  const base = { kernel: [3, 3] as const, elementBits: 4 };
  return [
    window({ ...base, height: 8, width: 8, channels: 4, stride: [1, 1], simd: 2, memory: "block" }),
    window({ ...base, height: 9, width: 9, channels: 2, stride: [2, 2], simd: 2 }),
    window({
      ...base,
      height: 8,
      width: 8,
      channels: 2,
      stride: [1, 1],
      simd: 2,
      memory: "block",
      parallel: true,
    }),
    window({ ...base, height: 9, width: 7, channels: 1, stride: [2, 2], simd: 1, parallel: true }),
    pool({ height: 8, width: 8, channels: 4, kernel: [2, 2], stride: [2, 2], simd: 4, dataType: INT4 }),
    pool({ height: 7, width: 7, channels: 2, kernel: [3, 3], stride: [2, 2], simd: 1, dataType: UINT4 }),
    { block: { kind: "conv", params: conv.params }, ...convStreams(conv) },
  ];
}

/** All streams at once; pv/pr = 1 means always valid/ready, otherwise seeded random per stream. */
function spec(cases: Checked[], pv: number, pr: number, seed: number): StreamSpec {
  return {
    inputs: cases.map((c, i) => ({
      prefix: `in${i}`,
      beats: c.inputs,
      validPattern: pv === 1 ? undefined : { probability: pv, seed: seed + 2 * i },
    })),
    outputs: cases.map((c, i) => ({
      prefix: `out${i}`,
      count: c.expected.length,
      readyPattern: pr === 1 ? undefined : { probability: pr, seed: seed + 2 * i + 1 },
    })),
  };
}

function expectOutputs(
  cases: Checked[],
  result: { outputs: Record<string, bigint[]>; violations: string[] },
) {
  expect(result.violations).toEqual([]);
  cases.forEach((c, i) => {
    expect(
      result.outputs[`out${i}`],
      `${c.block.kind} ${JSON.stringify(c.block.params, (_, v) => (typeof v === "bigint" ? `${v}` : v))}`,
    ).toEqual(c.expected);
  });
}

describe("conv blocks in Verilator and Icarus", () => {
  it("random and typical configurations, one build: golden output, interpreter's cycles", async () => {
    const cases = [...sample(2026, { window: 3, padding: 1, pool: 2, conv: 2, parallel: 2 }), ...typical(5)];
    const design = elaborate(BlocksTop, { tag: "sample", blocks: cases.map((c) => c.block) });
    const emitted = emitVerilog(design);
    await lintVerilog(emitted);
    const model = await buildVerilator(emitted);
    const patterns: Array<[number, number]> = [
      [1, 1],
      [0.6, 0.4],
      [1, 0.2],
      [0.3, 1],
    ];
    for (const [k, [pv, pr]] of patterns.entries()) {
      const s = spec(cases, pv, pr, 100 * k + 1);
      const run = await model.runStreams(s);
      expectOutputs(cases, run);
      if (k === 1) expect(run.outputCycles).toEqual(interpStreams(design, s).outputCycles);
    }
  });

  it("tiny cases in Icarus", async () => {
    const cases = sample(11, { window: 1, padding: 1, pool: 1, conv: 0 }).map((c) => c);
    const model = await buildIcarus(
      emitVerilog(elaborate(BlocksTop, { tag: "tiny", blocks: cases.map((c) => c.block) })),
    );
    expectOutputs(cases, await model.runStreams(spec(cases, 0.7, 0.5, 5)));
  });
});
