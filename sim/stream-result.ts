// Stream mode result format, written line by line by both testbenches:
//   in <source> <cycle> | out <sink> <cycle> <hex> | watch <i> <hex> | cycles <n> | status ok|timeout
//   drop <sink> <cycle> | change <sink> <cycle> <old> <new> | xz <port> <cycle> | violcap
import type { StreamPlan } from "./stream-plan.js";
import type { StreamResult } from "./types.js";
import { decodeValue } from "./values.js";

export class StreamTimeoutError extends Error {
  constructor(
    message: string,
    /** What had been transferred when the run stopped. */
    readonly partial: StreamResult,
  ) {
    super(message);
    this.name = "StreamTimeoutError";
  }
}

/** Icarus pads hex and Verilator does not; normalise so both give the same message. */
function hex(token: string): string {
  return /[xz]/i.test(token) ? token.toLowerCase() : BigInt(`0x${token}`).toString(16);
}

export function decodeStreamResult(plan: StreamPlan, text: string, simulator: string): StreamResult {
  const result: StreamResult = {
    outputs: Object.fromEntries(plan.sinks.map((s) => [s.prefix, []])),
    outputCycles: Object.fromEntries(plan.sinks.map((s) => [s.prefix, []])),
    inputCycles: Object.fromEntries(plan.sources.map((s) => [s.prefix, []])),
    cycles: -1,
    watchMax: {},
    violations: [],
  };
  let status = "";
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    const n = (i: number) => Number.parseInt(f[i]!, 10);
    switch (f[0]) {
      case "in":
        result.inputCycles[plan.sources[n(1)]!.prefix]!.push(n(2));
        break;
      case "out": {
        const sink = plan.sinks[n(1)]!;
        result.outputCycles[sink.prefix]!.push(n(2));
        result.outputs[sink.prefix]!.push(sink.data ? decodeValue(sink.data, f[3]!).value : 0n);
        break;
      }
      case "watch": {
        const p = plan.watch[n(1)]!;
        result.watchMax[p.name] = decodeValue(p, f[2]!).value;
        break;
      }
      case "drop":
        result.violations.push(
          `${plan.sinks[n(1)]!.prefix}: valid dropped at cycle ${f[2]} before the stalled beat was taken`,
        );
        break;
      case "change":
        result.violations.push(
          `${plan.sinks[n(1)]!.prefix}: data changed while stalled at cycle ${f[2]} (0x${hex(f[3]!)} -> 0x${hex(f[4]!)})`,
        );
        break;
      case "xz":
        result.violations.push(`${f[1]}: X/Z at cycle ${f[2]}`);
        break;
      case "violcap":
        result.violations.push(`(further violations not recorded)`);
        break;
      case "cycles":
        result.cycles = n(1);
        break;
      case "status":
        status = f[1]!;
        break;
    }
  }
  if (status === "timeout") {
    const got = plan.sinks.map(
      (s) => `${s.prefix} received ${result.outputs[s.prefix]!.length}/${s.count} beats`,
    );
    const sent = plan.sources.map(
      (s) => `${s.prefix} sent ${result.inputCycles[s.prefix]!.length}/${s.beatsHex.length} beats`,
    );
    const shown =
      result.violations.length > 0 ? `; violations: ${result.violations.slice(0, 5).join("; ")}` : "";
    throw new StreamTimeoutError(
      `${simulator}: stream run timed out after maxCycles=${plan.maxCycles} cycles: ${[...got, ...sent].join(", ")}${shown}`,
      result,
    );
  }
  if (status !== "ok" || result.cycles < 0) {
    throw new Error(`${simulator}: incomplete stream result (no status line); the simulator stopped early`);
  }
  return result;
}
