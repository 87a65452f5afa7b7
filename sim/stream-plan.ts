// Stream mode: resolves a StreamSpec against the top's ports into the plan both testbenches
// execute. Everything random is expanded here so Verilator and Icarus get identical stimulus.
import type { EmittedDesign, TopPort } from "../src/rtl/emit.js";
import { expandPattern } from "./pattern.js";
import type { StreamSpec } from "./types.js";
import { encodeValue } from "./values.js";

export interface StreamPorts {
  prefix: string;
  valid: TopPort;
  ready: TopPort;
  data?: TopPort;
}

export interface PlannedSource extends StreamPorts {
  beatsHex: string[];
  /** '0'/'1' per cycle, indexed cyclically from the first cycle after reset. */
  pattern: string;
}

export interface PlannedSink extends StreamPorts {
  count: number;
  pattern: string;
}

export interface StreamPlan {
  resetCycles: number;
  maxCycles: number;
  /** Reset port and the value that asserts it, when the design has one. */
  reset?: { port: TopPort; asserted: string; released: string };
  constants: Array<{ port: TopPort; hex: string }>;
  sources: PlannedSource[];
  sinks: PlannedSink[];
  watch: TopPort[];
}

/** Violation lines the testbenches write are capped so a broken design cannot flood the disk. */
export const VIOLATION_LIMIT = 200;

export function planStreams(emitted: EmittedDesign, spec: StreamSpec): StreamPlan {
  const byName = new Map(emitted.topPorts.map((p) => [p.name, p]));
  const used = new Set<string>();
  const port = (name: string, direction: "input" | "output", what: string): TopPort => {
    const p = byName.get(name);
    if (!p) throw new Error(`${what}: the top ${emitted.topName} has no port ${name}`);
    if (p.direction !== direction)
      throw new Error(`${what}: ${name} is an ${p.direction}, expected an ${direction}`);
    if (used.has(name)) throw new Error(`${what}: ${name} is used twice in the stream spec`);
    used.add(name);
    return p;
  };
  const streamPorts = (prefix: string, isSource: boolean): StreamPorts => {
    const what = `stream ${prefix}`;
    // Loom streams are `<prefix>_valid/_ready/_data`; AXI4-Stream tops use `_tvalid/_tready/_tdata`.
    const t = byName.has(`${prefix}_tvalid`) && !byName.has(`${prefix}_valid`) ? "t" : "";
    const valid = port(`${prefix}_${t}valid`, isSource ? "input" : "output", what);
    const ready = port(`${prefix}_${t}ready`, isSource ? "output" : "input", what);
    if (valid.width !== 1 || ready.width !== 1)
      throw new Error(`${what}: valid and ready must be 1 bit wide`);
    const dataName = `${prefix}_${t}data`;
    const data = byName.has(dataName) ? port(dataName, isSource ? "input" : "output", what) : undefined;
    return { prefix, valid, ready, data };
  };

  const totalBeats =
    spec.inputs.reduce((n, s) => n + s.beats.length, 0) + spec.outputs.reduce((n, s) => n + s.count, 0);
  const maxCycles = spec.maxCycles ?? 100_000 + 100 * totalBeats;
  const resetCycles = spec.resetCycles ?? 2;
  if (!Number.isInteger(maxCycles) || maxCycles < 1) throw new Error(`maxCycles must be a positive integer`);
  if (!Number.isInteger(resetCycles) || resetCycles < 0)
    throw new Error(`resetCycles must be an integer ≥ 0`);

  if (emitted.clock) used.add(emitted.clock);
  let reset: StreamPlan["reset"];
  if (emitted.reset) {
    const p = port(emitted.reset.name, "input", "reset");
    reset = {
      port: p,
      asserted: emitted.reset.activeLow ? "0" : "1",
      released: emitted.reset.activeLow ? "1" : "0",
    };
  }

  const sources = spec.inputs.map((s) => {
    const ports = streamPorts(s.prefix, true);
    const beatsHex = s.beats.map((b, i) =>
      ports.data ? encodeValue(ports.data, b, `stream ${s.prefix} beat ${i}`) : "0",
    );
    return {
      ...ports,
      beatsHex,
      pattern: expandPattern(s.validPattern, maxCycles, `stream ${s.prefix} validPattern`),
    };
  });
  const sinks = spec.outputs.map((s) => {
    if (!Number.isInteger(s.count) || s.count < 0)
      throw new Error(`stream ${s.prefix}: count must be an integer ≥ 0`);
    const ports = streamPorts(s.prefix, false);
    return {
      ...ports,
      count: s.count,
      pattern: expandPattern(s.readyPattern, maxCycles, `stream ${s.prefix} readyPattern`),
    };
  });
  const constants = Object.entries(spec.constants ?? {}).map(([name, v]) => {
    const p = port(name, "input", "constants");
    return { port: p, hex: encodeValue(p, v, "constants") };
  });
  const watch = (spec.watch ?? []).map((name) => {
    const p = byName.get(name);
    if (p?.direction !== "output") throw new Error(`watch: ${name} is not an output of ${emitted.topName}`);
    return p;
  });
  return { resetCycles, maxCycles, reset, constants, sources, sinks, watch };
}
