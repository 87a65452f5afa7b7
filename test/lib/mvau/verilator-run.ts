// Runs an emitted stream design in Verilator at full rate and under random bubbles and
// backpressure; each run checks the beats against the expected ones.
import { expect } from "vitest";
import { buildVerilator, lintVerilog, type StreamResult } from "../../../sim/index.js";
import type { DesignIR } from "../../../src/dsl/index.js";
import { emitVerilog } from "../../../src/rtl/emit.js";

export interface StreamCheck {
  fullRate: StreamResult;
  stalled: StreamResult[];
}

/** Lints, builds once, then runs full rate plus one run per random (valid, ready) probability pair. */
export async function checkInVerilator(
  design: DesignIR,
  inputs: bigint[],
  expected: bigint[],
  stallPatterns: Array<[number, number]>,
  seed: number,
): Promise<StreamCheck> {
  const emitted = emitVerilog(design);
  await lintVerilog(emitted);
  const model = await buildVerilator(emitted);
  const run = (pv: number, pr: number, s: number) =>
    model.runStreams({
      inputs: [
        { prefix: "in", beats: inputs, validPattern: pv === 1 ? undefined : { probability: pv, seed: s } },
      ],
      outputs: [
        {
          prefix: "out",
          count: expected.length,
          readyPattern: pr === 1 ? undefined : { probability: pr, seed: s + 1 },
        },
      ],
    });
  const fullRate = await run(1, 1, seed);
  expect(fullRate.violations).toEqual([]);
  expect(fullRate.outputs.out).toEqual(expected);
  const stalled: StreamResult[] = [];
  for (const [i, [pv, pr]] of stallPatterns.entries()) {
    const r = await run(pv, pr, seed + 7 * i);
    expect(r.violations).toEqual([]);
    expect(r.outputs.out).toEqual(expected);
    stalled.push(r);
  }
  return { fullRate, stalled };
}
