// One interpreter run of a conv block's `in` → `out` stream with producer gaps (pv: chance
// the producer offers a beat in a cycle) and consumer stalls (pr: chance it is ready), checked
// against the expected beats.
import { expect } from "vitest";
import type { StreamResult } from "../../../sim/index.js";
import type { DesignIR } from "../../../src/dsl/index.js";
import { interpStreams } from "../stream/interp-streams.js";

export function expectStream(
  design: DesignIR,
  inputs: bigint[],
  expected: bigint[],
  pv: number,
  pr: number,
  seed: number,
): StreamResult {
  const run = interpStreams(design, {
    inputs: [{ prefix: "in", beats: inputs, validPattern: pv === 1 ? undefined : { probability: pv, seed } }],
    outputs: [
      {
        prefix: "out",
        count: expected.length,
        readyPattern: pr === 1 ? undefined : { probability: pr, seed: seed + 1 },
      },
    ],
  });
  expect(run.violations).toEqual([]);
  expect(run.outputs.out).toEqual(expected);
  return run;
}
