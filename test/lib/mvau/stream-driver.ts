// Drives a design's `in` / `out` streams in the interpreter with seeded input bubbles and
// output backpressure, checks the stream promises on `out`, and records transfer cycles.
import { seededRandom } from "../../../sim/prng.js";
import type { DesignIR } from "../../../src/dsl/index.js";
import { Simulator } from "../../../src/interp/simulator.js";

export interface DriveOptions {
  /** Probability that the source offers its next beat in a cycle (1 = always). */
  validProbability?: number;
  /** Probability that the sink is ready in a cycle (1 = always). */
  readyProbability?: number;
  seed?: number;
  maxCycles?: number;
}

export interface DriveResult {
  outputs: bigint[];
  inputCycles: number[];
  outputCycles: number[];
  violations: string[];
}

/** A small deterministic generator so failures replay (the harness's own, shared). */
export const rng = seededRandom;

export function driveStreams(
  design: DesignIR,
  beats: bigint[],
  outCount: number,
  o: DriveOptions = {},
): DriveResult {
  const sim = new Simulator(design);
  const rand = rng(o.seed ?? 1);
  const pv = o.validProbability ?? 1;
  const pr = o.readyProbability ?? 1;
  sim.poke("ap_rst_n", 0);
  sim.poke("in_valid", 0);
  sim.poke("out_ready", 0);
  sim.step();
  sim.step();
  sim.poke("ap_rst_n", 1);
  const res: DriveResult = { outputs: [], inputCycles: [], outputCycles: [], violations: [] };
  let next = 0;
  let offering = false;
  let held: bigint | undefined;
  const max = o.maxCycles ?? 100_000;
  for (let cycle = 0; res.outputs.length < outCount; cycle++) {
    if (cycle >= max)
      throw new Error(`timeout after ${cycle} cycles with ${res.outputs.length}/${outCount} outputs`);
    // The source keeps a beat offered until it transfers (valid never waits for ready).
    if (!offering && next < beats.length && rand() < pv) offering = true;
    sim.poke("in_valid", offering ? 1 : 0);
    sim.poke("in_data", offering ? beats[next]! : 0n);
    const ready = rand() < pr;
    sim.poke("out_ready", ready ? 1 : 0);
    const outValid = sim.peek("out_valid") === 1n;
    const outData = sim.peek("out_data");
    if (held !== undefined && (!outValid || outData !== held)) {
      res.violations.push(`cycle ${cycle}: out dropped or changed a stalled beat`);
    }
    if (offering && sim.peek("in_ready") === 1n) {
      res.inputCycles.push(cycle);
      next++;
      offering = false;
    }
    if (outValid && ready) {
      res.outputs.push(outData);
      res.outputCycles.push(cycle);
      held = undefined;
    } else held = outValid ? outData : undefined;
    sim.step();
  }
  return res;
}
