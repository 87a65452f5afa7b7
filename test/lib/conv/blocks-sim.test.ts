// The conv blocks in Verilator (a sample of random configurations, all in one build, driven
// at full rate and under producer gaps and consumer stalls), lint-clean under -Wall, cycle for
// cycle equal to the interpreter; and a tiny set in Icarus.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildIcarus, buildVerilator, lintVerilog, type StreamSpec } from "../../../sim/index.js";
import { elaborate } from "../../../src/dsl/index.js";
import { emitVerilog } from "../../../src/rtl/emit.js";
import { interpStreams } from "../stream/interp-streams.js";
import { type Block, BlocksTop } from "./blocks-top.js";
import { convCase, convStreams } from "./conv-cases.js";
import { paddingCase, paddingStreams } from "./padding-cases.js";
import { poolCase, poolStreams } from "./pool-cases.js";
import { windowCase, windowStreams } from "./window-cases.js";

interface Checked {
  block: Block;
  inputs: bigint[];
  expected: bigint[];
}

/** Random configurations drawn with a fixed seed, so the build is cached between runs. */
function sample(
  seed: number,
  counts: { window: number; padding: number; pool: number; conv: number },
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
  it("a sample of random configurations, one build: golden output, interpreter's cycles", async () => {
    const cases = sample(2026, { window: 4, padding: 2, pool: 3, conv: 3 });
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
  }, 120_000);

  it("tiny cases in Icarus", async () => {
    const cases = sample(11, { window: 1, padding: 1, pool: 1, conv: 0 }).map((c) => c);
    const model = await buildIcarus(
      emitVerilog(elaborate(BlocksTop, { tag: "tiny", blocks: cases.map((c) => c.block) })),
    );
    expectOutputs(cases, await model.runStreams(spec(cases, 0.7, 0.5, 5)));
  }, 60_000);
});
