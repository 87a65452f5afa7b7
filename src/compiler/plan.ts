// Folded graph: a streamlined model plus one folding per layer becomes a plan of hardware
// blocks (MVAU parameters, stream widths, FIFOs, the arg-max) that elaboration turns into
// one accelerator. Everything here is computed in TypeScript; no hardware is built yet.

import { isXnorLayer, thresholdSumToPopcount } from "../core/accumulator.js";
import { type DataType, parseDataType } from "../core/datatypes.js";
import { divisors } from "../core/divisors.js";
import type { ArgmaxParams } from "../lib/labelselect/argmax.js";
import type { DspPorts } from "../lib/mvau/dsp-packing.js";
import {
  type MultiplierStyle,
  type MvauParams,
  type MvauShape,
  mvauShape,
  type WeightMemoryStyle,
} from "../lib/mvau/params.js";
import type { Folding } from "../nn/fold.js";
import { layerInputDatatypes } from "../nn/layer-types.js";
import { ModelError } from "../nn/model-error.js";
import type { DenseLayer, Model } from "../nn/model-format.js";
import { channelValue, thresholdRow, toBigInt, weightMatrix } from "../nn/weights.js";
import { linkFifoDepth } from "./fifo-sizing.js";

export interface LayerPlan {
  name: string;
  folding: Folding;
  mvau: MvauParams;
  shape: MvauShape;
  inputType: DataType;
}

export interface LinkPlan {
  /** Index of the producing layer (−1: the accelerator's input port). */
  from: number;
  /** Width of the producer's stream and of the consumer's. */
  fromWidth: number;
  toWidth: number;
  /** FIFO depth between the two (0: a direct connection). */
  fifoDepth: number;
}

export interface AcceleratorPlan {
  topName: string;
  inputType: DataType;
  /** Input elements per image (MW of the first layer). */
  inputLength: number;
  /** Elements per input beat (SIMD of the first layer). */
  inputPerBeat: number;
  layers: LayerPlan[];
  /** links[i] feeds layer i. */
  links: LinkPlan[];
  argmax?: ArgmaxParams;
  /** Also stream out the last layer's raw scores. */
  scores: boolean;
  exposeFifoCounts: boolean;
  /** Cycles per inference of the slowest layer. */
  initiationInterval: number;
}

export interface PlanOptions {
  topName?: string;
  /** The target's DSP multiplier, for DSP packing (default DSP48E2). */
  dspPorts?: DspPorts;
  /** Share DSP multipliers between PEs (default true). */
  dspPacking?: boolean;
  /** The build's weight memory and multipliers; a layer's folding may override them. */
  weightMemory?: WeightMemoryStyle;
  multipliers?: MultiplierStyle;
  /** Weights loaded at run time through each MVAU's `weights` port (FINN's decoupled mode). */
  runtimeWeights?: boolean;
  scores?: boolean;
  /** FIFO depth between layers (default: computed by sizeFifos). */
  fifoDepths?: number[];
  /** Input elements per AXI beat (default: inputElementsPerBeat). */
  inputPerBeat?: number;
  /** Bring every inter-layer FIFO's occupancy out as a top-level port `debug_fifo<i>_count` (for simulation). */
  exposeFifoCounts?: boolean;
}

/** Widest AXI4-Stream beat an AXI DMA moves (bits). */
const MAX_AXIS_BITS = 1024;

/**
 * Input elements per s_axis beat: the fewest that still deliver an image within the initiation
 * interval (so the input never limits the rate), at least a byte's worth, and dividing the
 * image so no beat straddles two images. The width converter widens beats to the first SIMD.
 */
export function inputElementsPerBeat(mw: number, bits: number, interval: number): number {
  const options = divisors(mw).filter((k) => k * bits <= MAX_AXIS_BITS);
  const fast = options.filter((k) => mw / k <= interval && k * bits >= Math.min(8, mw * bits));
  return fast[0] ?? options[options.length - 1] ?? 1;
}

/** Turns a streamlined layer's activation into the MVAU's (popcount form for XNOR layers). */
function mvauActivation(layer: DenseLayer, xnor: boolean): MvauParams["activation"] {
  const act = layer.activation;
  const mw = layer.inFeatures;
  if (act.kind === "thresholds") {
    const rows = act.thresholds.map((_, c) => thresholdRow(act, c));
    return {
      kind: "thresholds",
      thresholds: xnor ? rows.map((r) => r.map((t) => thresholdSumToPopcount(t, mw))) : rows,
      outputType: parseDataType(act.outDatatype),
      outBias: act.outBias,
    };
  }
  if (act.kind === "none") {
    const bias = Array.from({ length: layer.outFeatures }, (_, c) => toBigInt(channelValue(act.bias, c)));
    if (xnor) {
      // Hardware scores are pop + b'; the model's are 2·pop − MW + b. They rank alike only when
      // b' = (b − MW)/2 is an integer for every channel.
      if (bias.some((b) => (b - BigInt(mw)) % 2n !== 0n)) {
        throw new ModelError(
          `layer ${layer.name}: a final BIPOLAR×BIPOLAR layer needs biases with bias − MW even so that popcount scores rank like ±1 sums`,
        );
      }
      return { kind: "none", bias: bias.map((b) => (b - BigInt(mw)) / 2n) };
    }
    return { kind: "none", bias, ...(act.relu ? { relu: true } : {}) };
  }
  throw new ModelError(
    `layer ${layer.name}: streamline the model before planning hardware (float activation found)`,
  );
}

export function planAccelerator(
  model: Model,
  foldings: readonly Folding[],
  o: PlanOptions = {},
): AcceleratorPlan {
  const inTypes = layerInputDatatypes(model);
  const layers: LayerPlan[] = model.layers.map((layer, i) => {
    if (layer.kind !== "dense")
      throw new ModelError(`layer ${layer.name}: the compiler does not build convolution layers yet`);
    const inputType = inTypes[i]!;
    const weightType = parseDataType(layer.weightDatatype);
    const xnor = isXnorLayer(inputType, weightType);
    const mvau: MvauParams = {
      name: verilogSafe(layer.name),
      mw: layer.inFeatures,
      mh: layer.outFeatures,
      simd: foldings[i]!.simd,
      pe: foldings[i]!.pe,
      inputType,
      weightType,
      weights: weightMatrix(layer),
      activation: mvauActivation(layer, xnor),
      weightMemory: foldings[i]!.weightMemory ?? o.weightMemory,
      multipliers: foldings[i]!.multipliers ?? o.multipliers,
      runtimeWeights: o.runtimeWeights,
      dspPorts: o.dspPorts,
      dspPacking: o.dspPacking,
    };
    return { name: layer.name, folding: foldings[i]!, mvau, shape: mvauShape(mvau), inputType };
  });
  const first = layers[0]!;
  const initiationInterval = Math.max(...layers.map((l) => l.shape.cyclesPerVector));
  const inputPerBeat =
    o.inputPerBeat ?? inputElementsPerBeat(first.mvau.mw, first.inputType.bits, initiationInterval);
  const links: LinkPlan[] = layers.map((l, i) => ({
    from: i - 1,
    fromWidth: i === 0 ? inputPerBeat * first.inputType.bits : layers[i - 1]!.shape.outWidth,
    toWidth: l.shape.inWidth,
    fifoDepth: o.fifoDepths?.[i] ?? linkFifoDepth(i === 0),
  }));
  const last = layers[layers.length - 1]!;
  // BIPOLAR scores are stored 0 for −1 and 1 for +1, so they rank correctly as unsigned bits.
  const argmax: ArgmaxParams | undefined = model.output.argmax
    ? {
        pe: last.folding.pe,
        nf: last.shape.nf,
        scoreWidth: last.shape.outElementBits,
        signed: last.shape.outType.kind === "INT",
      }
    : undefined;
  return {
    topName: o.topName ?? topNameFor(model.name),
    inputType: first.inputType,
    inputLength: first.mvau.mw,
    inputPerBeat,
    layers,
    links,
    argmax,
    scores: o.scores ?? false,
    exposeFifoCounts: o.exposeFifoCounts ?? false,
    initiationInterval,
  };
}

/** A Verilog identifier from a free-form name (ONNX node names look like "/linear/Gemm"). */
export function verilogSafe(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9_]/g, "_")
      .replace(/^([^A-Za-z_])/, "_$1")
      .replace(/^_+/, "") || "layer"
  );
}

/** A Verilog-safe module name from a model name. */
export function topNameFor(modelName: string): string {
  return `loom_${verilogSafe(modelName)}`;
}

/** Bytes per beat of an AXI stream carrying `bits` (FINN pads tdata to a multiple of 8). */
export function paddedWidth(bits: number): number {
  return Math.max(8, Math.ceil(bits / 8) * 8);
}
