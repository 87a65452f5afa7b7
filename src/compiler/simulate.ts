// Runs input vectors through a compiled accelerator: in the golden model, or in Verilator or
// Icarus with the generated RTL, and reports scores, predictions and the measured rate.
import { buildIcarus, buildVerilator, type Pattern, type TraceFormat } from "../../sim/index.js";
import { argmax, runGolden } from "../model/golden/index.js";
import type { Compiled } from "./generate.js";
import { inputBeats, scoresFromBeats } from "./host.js";
import { scoreBeatsPerImage } from "./plan.js";
import { weightStreamBeats, weightStreamBytes, weightStreams } from "./weight-stream.js";

export type Engine = "golden" | "verilator" | "icarus";

export interface SimulationResult {
  /** Last layer's integer scores per input (absent when the hardware does not stream them out). */
  outputs?: bigint[][];
  predictions: number[];
  /**
   * Initiation interval: cycles between consecutive results at steady state. Measured by the RTL
   * engines when there are at least two inputs; otherwise the plan's analytic interval.
   */
  cyclesPerInference: number;
  /** Whether cyclesPerInference was measured in simulation or taken from the plan. */
  intervalSource: "measured" | "planned";
  /**
   * Latency: cycles from the first image's first input beat to its result (the class index, or
   * its last score beat). Measured by the RTL engines; the golden engine gives the report's
   * no-stall model (latency.ts), which equals the measurement without stalls.
   */
  latencyCycles: number;
  /** Total cycles from the end of reset to the last result (RTL engines). */
  cycles?: number;
  /** Peak occupancy of each inter-layer FIFO (when compiled with exposeFifoCounts). */
  fifoPeaks?: Record<string, number>;
}

export interface SimulationOptions {
  /** Random input bubbles and output backpressure. */
  validPattern?: Pattern;
  readyPattern?: Pattern;
  /** Verilator: write a waveform of the run (a separately cached traced build). */
  trace?: WaveformOptions;
  /**
   * Runtime weights: the bytes sent into each weight stream, by stream name (default: the
   * model's own, as `loom gen` writes them to driver/runtime_weights/). They are sent from the
   * first cycle, beside the images, which wait in the accelerator until their layer is loaded.
   */
  weightBytes?: ReadonlyMap<string, Uint8Array>;
}

export interface WaveformOptions {
  path: string;
  format: TraceFormat;
  /** First traced cycle, from 0 at the first reset cycle (default 0). */
  fromCycle?: number;
  /** Cycles traced (default: to the end of the run). */
  cycles?: number;
  /** Levels of hierarchy traced (1 = the top module's own signals; default all). */
  depth?: number;
}

export async function simulateAccelerator(
  c: Compiled,
  inputs: readonly (readonly bigint[])[],
  engine: Engine,
  o: SimulationOptions = {},
): Promise<SimulationResult> {
  if (engine === "golden") {
    const g = runGolden(c.streamlined, inputs);
    return {
      outputs: g.scores,
      predictions: g.predictions,
      cyclesPerInference: c.plan.initiationInterval,
      intervalSource: "planned",
      latencyCycles: c.report.latencyCycles,
    };
  }
  const t = o.trace;
  if (t && engine !== "verilator")
    throw new Error("waveforms from simulateAccelerator need the verilator engine");
  const model =
    engine === "verilator"
      ? await buildVerilator(c.emitted, t ? { trace: t.format, traceDepth: t.depth } : {})
      : await buildIcarus(c.emitted);
  const hasArgmax = c.plan.argmax !== undefined;
  const scoreBeats = scoreBeatsPerImage(c.plan);
  const resultBeats = hasArgmax ? inputs.length : inputs.length * scoreBeats;
  const outputs = [{ prefix: "m_axis", count: resultBeats, readyPattern: o.readyPattern }];
  if (c.plan.scores && hasArgmax)
    outputs.push({
      prefix: "m_axis_scores",
      count: inputs.length * scoreBeats,
      readyPattern: o.readyPattern,
    });
  const watch = c.emitted.topPorts.filter((p) => /^debug_fifo\d+_count$/.test(p.name)).map((p) => p.name);
  const loads = weightStreams(c.plan).map((w) => ({
    prefix: w.port,
    beats: weightStreamBeats(w, o.weightBytes?.get(w.name) ?? weightStreamBytes(c.plan, w)),
    validPattern: o.validPattern,
  }));
  const loadBeats = loads.reduce((n, l) => n + l.beats.length, 0);
  const r = await model.runStreams(
    {
      inputs: [
        { prefix: "s_axis", beats: inputBeats(c.plan, inputs), validPattern: o.validPattern },
        ...loads,
      ],
      outputs,
      watch,
      // Enough for every image at the analytic rate, four times over for random stalls.
      maxCycles:
        100_000 +
        4 * (loadBeats + (inputs.length + 4) * (c.plan.initiationInterval + c.report.latencyCycles)),
    },
    t ? { vcd: t.path, traceFromCycle: t.fromCycle, traceCycles: t.cycles } : {},
  );
  if (r.violations.length > 0)
    throw new Error(`stream protocol violations: ${r.violations.slice(0, 5).join("; ")}`);
  const main = r.outputs.m_axis!;
  const predictions = hasArgmax ? main.map((b) => Number(b)) : [];
  const scoreStream = hasArgmax ? r.outputs.m_axis_scores : main;
  const scores = scoreStream ? scoresFromBeats(c.plan, scoreStream) : undefined;
  const times = r.outputCycles.m_axis!;
  const perResult = hasArgmax ? 1 : scoreBeats;
  const firstDone = times[perResult - 1]!;
  const lastDone = times[times.length - 1]!;
  // One result shows the latency but no interval: then the interval is the plan's.
  const measured = inputs.length > 1;
  // With runtime weights the first image waits for the load: its latency counts from the later
  // of its first beat and the last weight beat.
  const start = Math.max(r.inputCycles.s_axis![0]!, ...loads.map((l) => r.inputCycles[l.prefix]!.at(-1)!));
  return {
    outputs: scores,
    predictions: hasArgmax ? predictions : (scores ?? []).map(argmax),
    cyclesPerInference: measured ? (lastDone - firstDone) / (inputs.length - 1) : c.plan.initiationInterval,
    intervalSource: measured ? "measured" : "planned",
    latencyCycles: firstDone - start,
    cycles: r.cycles,
    fifoPeaks:
      watch.length > 0 ? Object.fromEntries(watch.map((w) => [w, Number(r.watchMax[w] ?? 0n)])) : undefined,
  };
}
