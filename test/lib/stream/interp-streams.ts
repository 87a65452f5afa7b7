// Runs the harness's stream contract (sim/types.ts StreamSpec) on the interpreter, so a
// property can be checked on thousands of random cases in milliseconds and the same spec then
// replayed on Verilator. Stimulus follows the Verilator testbench: a source raises valid when
// its pattern allows and holds the beat until it is taken; a sink is ready when its pattern
// allows and it still expects beats.

import { expandPattern } from "../../../sim/pattern.js";
import type { StreamResult, StreamSpec } from "../../../sim/types.js";
import type { DesignIR } from "../../../src/dsl/index.js";
import { Simulator } from "../../../src/interp/simulator.js";

export function interpStreams(design: DesignIR, spec: StreamSpec): StreamResult {
  const sim = new Simulator(design);
  const totalBeats =
    spec.inputs.reduce((n, s) => n + s.beats.length, 0) + spec.outputs.reduce((n, s) => n + s.count, 0);
  const maxCycles = spec.maxCycles ?? 100_000 + 100 * totalBeats;
  const has = (n: string) => sim.inputNames.includes(n) || sim.outputNames.includes(n);
  for (const [k, v] of Object.entries(spec.constants ?? {})) sim.poke(k, v);
  const sources = spec.inputs.map((s) => ({
    ...s,
    pattern: expandPattern(s.validPattern, maxCycles, s.prefix),
    next: 0,
    offered: false,
    data: has(`${s.prefix}_data`),
  }));
  const sinks = spec.outputs.map((s) => ({
    ...s,
    pattern: expandPattern(s.readyPattern, maxCycles, s.prefix),
    got: [] as bigint[],
    stalled: undefined as bigint | undefined,
    data: has(`${s.prefix}_data`),
  }));
  const result: StreamResult = {
    outputs: {},
    outputCycles: Object.fromEntries(sinks.map((s) => [s.prefix, []])),
    inputCycles: Object.fromEntries(sources.map((s) => [s.prefix, []])),
    cycles: -1,
    watchMax: {},
    violations: [],
  };
  const quiet = () => {
    for (const s of sources) sim.poke(`${s.prefix}_valid`, 0);
    for (const s of sinks) sim.poke(`${s.prefix}_ready`, 0);
  };
  quiet();
  // A design without reset registers (a combinational block) has no reset input.
  const reset = sim.inputNames.includes("ap_rst_n");
  if (reset) sim.poke("ap_rst_n", 0);
  for (let i = 0; i < (spec.resetCycles ?? 2); i++) sim.step();
  if (reset) sim.poke("ap_rst_n", 1);
  for (let t = 0; t < maxCycles; t++) {
    for (const s of sources) {
      if (!s.offered && s.next < s.beats.length && s.pattern[t % s.pattern.length] === "1") s.offered = true;
      sim.poke(`${s.prefix}_valid`, s.offered ? 1 : 0);
      if (s.data) sim.poke(`${s.prefix}_data`, s.offered ? s.beats[s.next]! : 0n);
    }
    for (const s of sinks)
      sim.poke(
        `${s.prefix}_ready`,
        s.got.length < s.count && s.pattern[t % s.pattern.length] === "1" ? 1 : 0,
      );
    for (const name of spec.watch ?? []) {
      const v = sim.peek(name);
      if (result.watchMax[name] === undefined || v > result.watchMax[name]!) result.watchMax[name] = v;
    }
    for (const s of sinks) {
      const valid = sim.peek(`${s.prefix}_valid`) === 1n;
      const data = s.data ? sim.peek(`${s.prefix}_data`) : 0n;
      if (s.stalled !== undefined) {
        if (!valid)
          result.violations.push(
            `${s.prefix}: valid dropped at cycle ${t} before the stalled beat was taken`,
          );
        else if (data !== s.stalled)
          result.violations.push(`${s.prefix}: data changed while stalled at cycle ${t}`);
      }
      const ready = sim.peek(`${s.prefix}_ready`) === 1n;
      if (valid && ready) {
        s.got.push(data);
        result.outputCycles[s.prefix]!.push(t);
        s.stalled = undefined;
      } else s.stalled = valid ? data : undefined;
    }
    for (const s of sources) {
      if (s.offered && sim.peek(`${s.prefix}_ready`) === 1n) {
        result.inputCycles[s.prefix]!.push(t);
        s.next++;
        s.offered = false;
      }
    }
    sim.step();
    if (sinks.every((s) => s.got.length >= s.count)) {
      result.cycles = t + 1;
      break;
    }
  }
  for (const s of sinks) result.outputs[s.prefix] = s.got;
  if (result.cycles < 0) throw new Error(`interpreter stream run timed out after ${maxCycles} cycles`);
  return result;
}
