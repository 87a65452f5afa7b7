// The latency model (src/compiler/latency.ts) against the interpreter, stream by stream: for
// random small MLPs and conv networks (padding, strides, max-pools, random foldings), the
// cycle the model gives each beat of the first image on every inner stream — FIFO, width
// converter, padding, window, MVAU, max-pool, arg-max outputs — equals the cycle the
// elaborated accelerator transfers it, with the input always valid and the output always
// ready. The Verilator runs of compile-sim, conv-compile-sim and fold-styles-sim check the
// end-to-end number on the emitted Verilog.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Accelerator } from "../../src/compiler/accelerator.js";
import { compileModel } from "../../src/compiler/generate.js";
import { inputBeats } from "../../src/compiler/host.js";
import { firstImageLatency, streamTimes } from "../../src/compiler/latency.js";
import type { AcceleratorPlan } from "../../src/compiler/plan.js";
import { parseDataType } from "../../src/core/datatypes.js";
import { elaborate } from "../../src/dsl/index.js";
import { Simulator } from "../../src/interp/simulator.js";
import { convNetworkArbitrary } from "../support/random-conv-accelerator.js";
import { networkArbitrary, type RandomNetwork, randomInputs } from "../support/random-network.js";

/** Transfer cycles of every named stream while one image runs through, from the first cycle after reset. */
function transfers(
  net: RandomNetwork,
  plan: AcceleratorPlan,
  blocks: readonly string[],
  lastBeats: number,
): Map<string, number[]> {
  const sim = new Simulator(elaborate(Accelerator, plan));
  const ends = (b: string) =>
    b === "input" ? ["s_axis_tvalid", "s_axis_tready"] : [`${b}_out_valid`, `${b}_out_ready`];
  const beats = inputBeats(plan, randomInputs(net.model, 1, 3, parseDataType(net.model.input.datatype)));
  sim.poke("ap_rst_n", 0);
  sim.step();
  sim.poke("ap_rst_n", 1);
  sim.poke("m_axis_tready", 1);
  const seen = new Map(blocks.map((b) => [b, [] as number[]]));
  const last = blocks[blocks.length - 1]!;
  let sent = 0;
  for (let cycle = 0; cycle < 20_000 && seen.get(last)!.length < lastBeats; cycle++) {
    sim.poke("s_axis_tvalid", sent < beats.length ? 1 : 0);
    if (sent < beats.length) sim.poke("s_axis_tdata", beats[sent]!);
    for (const b of blocks) {
      const [valid, ready] = ends(b);
      if (sim.peek(valid!) && sim.peek(ready!)) seen.get(b)!.push(cycle);
    }
    if (sent < beats.length && sim.peek("s_axis_tready")) sent++;
    sim.step();
  }
  return seen;
}

function expectModelMatches(net: RandomNetwork): void {
  const plan = compileModel(net.model, { board: "zcu104", folding: net.folding }).plan;
  const modelled = streamTimes(plan);
  const out = modelled[modelled.length - 1]!.times;
  const measured = transfers(
    net,
    plan,
    modelled.map((s) => s.block),
    out.length,
  );
  // The interpreter stops at the result; the model may have scheduled beats the result does not
  // wait for (a max-pool drops a feature map's last odd row), and stops where a window leaves
  // the tail of its input alone.
  const end = out[out.length - 1]!;
  for (const { block, times } of modelled) {
    const before = Array.from(times).filter((t) => t <= end);
    expect(before, block).toEqual(measured.get(block)!.slice(0, before.length));
  }
  expect(firstImageLatency(plan)).toBe(out[out.length - 1]! - modelled[0]!.times[0]!);
}

describe("latency model", () => {
  it("MLPs: every stream's beats at the interpreter's cycles", () => {
    for (const net of fc.sample(networkArbitrary(), { numRuns: 6, seed: 31 })) expectModelMatches(net);
  });

  it("conv networks: every stream's beats at the interpreter's cycles", () => {
    for (const net of fc.sample(convNetworkArbitrary(), { numRuns: 8, seed: 32 })) expectModelMatches(net);
  });
});
