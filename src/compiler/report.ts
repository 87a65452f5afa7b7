// report.json and report.md: what was built, how fast it runs and what it should cost.

import { dataTypeName } from "../core/datatypes.js";
import { type Board, estimateOptionsFor } from "../fold/boards.js";
import { estimateLayer, type ResourceEstimate, sumEstimates } from "../fold/estimate.js";
import type { Binding } from "../fold/fold.js";
import type { LayerShape } from "../fold/layer-shape.js";
import { weightStyle } from "../lib/mvau/mvau.js";
import { firstImageLatency } from "./latency.js";
import type { AcceleratorPlan } from "./plan.js";
import { REPORT_SVG } from "./report-chart.js";

export interface AcceleratorReport {
  model: string;
  board: { name: string; part: string; clockMHz: number };
  top: string;
  /** Initiation interval: cycles between successive images at steady state. */
  initiationInterval: number;
  /**
   * Latency: cycles from the first image's first input beat to its result (the class index, or
   * the last layer's last output beat), with no stalls: the beat-level model of latency.ts.
   */
  latencyCycles: number;
  throughputPerSecond: number;
  latencyMicroseconds: number;
  /** From a board search: the resource that keeps the next faster interval from fitting. */
  binding?: Binding;
  layers: Array<{
    name: string;
    /** "dense", or a conv layer's blocks: "conv 3x3 s1 (pad) → max-pool 2x2 s2". */
    operation: string;
    mw: number;
    mh: number;
    pe: number;
    simd: number;
    inputType: string;
    weightType: string;
    outputType: string;
    accumulatorType: string;
    xnor: boolean;
    cyclesPerInference: number;
    weightMemory: { perPe: { depth: number; width: number }; bits: number; style: string };
    /** Where the products are computed: "dsp" (DSP slices where wide enough) or "lut". */
    multipliers: string;
    fifoDepthBefore: number;
    estimate: ResourceEstimate;
  }>;
  estimate: ResourceEstimate;
  capacity: { lut: number; ff: number; bram36: number; uram: number; dsp: number };
  utilisation: { lut: number; ff: number; bram36: number; uram: number; dsp: number };
  streams: { inputBits: number; inputBeatsPerImage: number; outputBits: number };
}

export function buildReport(
  plan: AcceleratorPlan,
  shapes: readonly LayerShape[],
  board: Board,
  clockMHz: number,
  modelName: string,
  io: { inputBits: number; outputBits: number },
  binding?: Binding,
): AcceleratorReport {
  // The choices the plan gave each MVAU, so the estimate costs what the generator builds.
  const perLayer = plan.layers.map((l, i) =>
    estimateLayer(
      shapes[i]!,
      { ...l.folding, weightMemory: l.mvau.weightMemory, multipliers: l.mvau.multipliers },
      { ...estimateOptionsFor(board), runtimeWeights: l.mvau.runtimeWeights },
    ),
  );
  const total = sumEstimates(perLayer);
  const latencyCycles = firstImageLatency(plan);
  return {
    model: modelName,
    board: { name: board.name, part: board.part, clockMHz },
    top: plan.topName,
    initiationInterval: plan.initiationInterval,
    latencyCycles,
    throughputPerSecond: Math.round((clockMHz * 1e6) / plan.initiationInterval),
    latencyMicroseconds: latencyCycles / clockMHz,
    ...(binding && { binding }),
    layers: plan.layers.map((l, i) => {
      const depth = l.shape.nf * l.shape.sf;
      const width = l.folding.simd * l.mvau.weightType.bits;
      return {
        name: l.name,
        operation: operationText(l),
        mw: l.mvau.mw,
        mh: l.mvau.mh,
        pe: l.folding.pe,
        simd: l.folding.simd,
        inputType: dataTypeName(l.inputType),
        weightType: dataTypeName(l.mvau.weightType),
        outputType: dataTypeName(l.shape.outType),
        accumulatorType: dataTypeName(l.shape.accType),
        xnor: l.shape.xnor,
        cyclesPerInference: l.cycles,
        weightMemory: {
          perPe: { depth, width },
          bits: depth * width * l.folding.pe,
          style: weightStyle(l.mvau, depth, width),
        },
        multipliers: l.mvau.multipliers ?? "dsp",
        fifoDepthBefore: plan.links[i]!.fifoDepth,
        estimate: perLayer[i]!,
      };
    }),
    estimate: total,
    capacity: { lut: board.lut, ff: board.ff, bram36: board.bram36, uram: board.uram, dsp: board.dsp },
    utilisation: {
      lut: total.lut / board.lut,
      ff: total.ff / board.ff,
      bram36: total.bram36 / board.bram36,
      uram: board.uram ? total.uram / board.uram : 0,
      dsp: board.dsp ? total.dsp / board.dsp : 0,
    },
    streams: {
      inputBits: io.inputBits,
      inputBeatsPerImage: plan.inputLength / plan.inputPerBeat,
      outputBits: io.outputBits,
    },
  };
}

const pair = (p: readonly [number, number]) => `${p[0]}x${p[1]}`;

function operationText(l: AcceleratorPlan["layers"][number]): string {
  const c = l.conv;
  if (!c) return "dense";
  const conv = `conv ${pair(c.window.kernel)} s${pair(c.window.stride)}${c.padding ? " (padded)" : ""}${c.window.parallel ? ", parallel window" : ""}`;
  return c.pool ? `${conv} → max-pool ${pair(c.pool.kernel)} s${pair(c.pool.stride)}` : conv;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function reportMarkdown(r: AcceleratorReport): string {
  const rows = r.layers.map(
    (l) =>
      `| ${l.name} | ${l.operation} | ${l.mw} | ${l.mh} | ${l.pe} | ${l.simd} | ${l.inputType} × ${l.weightType} → ${l.outputType} | ${l.accumulatorType} | ${l.cyclesPerInference} | ${l.weightMemory.perPe.depth} × ${l.weightMemory.perPe.width} × ${l.pe} (${l.weightMemory.style}) | ${l.multipliers} | ${l.fifoDepthBefore} | ${l.estimate.lut} / ${l.estimate.ff} / ${l.estimate.bram36} / ${l.estimate.uram} / ${l.estimate.dsp} |`,
  );
  // UltraRAM holds only runtime-writable weights: a row only when the build uses it.
  const uramRow =
    r.estimate.uram > 0
      ? `| URAM | ${r.estimate.uram} | ${r.capacity.uram} | ${pct(r.utilisation.uram)} |\n`
      : "";
  return `# ${r.top}: ${r.model} on ${r.board.name} (${r.board.part})

| | |
|---|---|
| initiation interval (II: cycles between successive images at steady state) | ${r.initiationInterval} cycles per inference |
| throughput at ${r.board.clockMHz} MHz | ${r.throughputPerSecond.toLocaleString("en-US")} inferences/s |
| latency (first image: first input beat to its result; no stalls) | ${r.latencyCycles} cycles = ${r.latencyMicroseconds.toFixed(2)} µs |
| input stream | ${r.streams.inputBits}-bit tdata, ${r.streams.inputBeatsPerImage} beats per image |
| output stream | ${r.streams.outputBits}-bit tdata: the class index |
${r.binding ? `| binding resource (what keeps the next faster II, ${r.binding.nextInterval}, from fitting) | ${r.binding.resource}: ${r.binding.detail} |\n` : ""}

![Cycles per layer against the initiation interval, and resources per layer against the board (estimate; Yosys after loom synth)](${REPORT_SVG})

## Layers

| layer | operation | MW | MH | PE | SIMD | datatypes | accumulator | cycles per image | weights per PE (depth × bits × PEs) | multipliers | FIFO before | est. LUT / FF / BRAM36 / URAM / DSP |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join("\n")}

## Estimated resources (analytic model, docs/resource-estimates.md)

| resource | estimate | ${r.board.name} | utilisation |
|---|---|---|---|
| LUT | ${r.estimate.lut} | ${r.capacity.lut} | ${pct(r.utilisation.lut)} |
| FF | ${r.estimate.ff} | ${r.capacity.ff} | ${pct(r.utilisation.ff)} |
| BRAM36 | ${r.estimate.bram36} | ${r.capacity.bram36} | ${pct(r.utilisation.bram36)} |
${uramRow}| DSP | ${r.estimate.dsp} | ${r.capacity.dsp} | ${pct(r.utilisation.dsp)} |
`;
}
