// Folded graph: a streamlined model plus one folding per layer becomes a plan of hardware
// blocks (MVAU parameters, stream widths, FIFOs, the arg-max) that elaboration turns into
// one accelerator. Everything here is computed in TypeScript; no hardware is built yet.

import { isXnorLayer, thresholdSumToPopcount } from "../core/accumulator.js";
import { type DataType, parseDataType } from "../core/datatypes.js";
import { divisors } from "../core/divisors.js";
import { convWindows, layerCycles } from "../fold/estimate.js";
import type { Folding } from "../fold/fold.js";
import { type LayerShape, layerShapes, simdChoices } from "../fold/layer-shape.js";
import type { MaxPoolParams } from "../lib/conv/max-pool.js";
import type { PaddingParams } from "../lib/conv/padding.js";
import { type SlidingWindowParams, slidingWindowShape } from "../lib/conv/window-shape.js";
import type { ArgmaxParams } from "../lib/labelselect/argmax.js";
import type { DspPorts } from "../lib/mvau/dsp-packing.js";
import {
  type MultiplierStyle,
  type MvauParams,
  type MvauShape,
  mvauShape,
  type WeightMemoryStyle,
} from "../lib/mvau/params.js";
import {
  hasPadding,
  inputSize,
  matrixHeight,
  matrixWidth,
  outputSize,
  zeroCode,
} from "../model/layer-geometry.js";
import { layerInputDatatypes } from "../model/layer-types.js";
import { ModelError } from "../model/model-error.js";
import type { ConvLayer, Layer, Model } from "../model/model-format.js";
import { channelValue, thresholdRow, toBigInt, weightMatrix } from "../model/weights.js";
import { linkFifoDepth } from "./fifo-sizing.js";

export interface LayerPlan {
  name: string;
  folding: Folding;
  mvau: MvauParams;
  shape: MvauShape;
  inputType: DataType;
  /** Cycles per image at full rate (the slowest of the layer's blocks, `layerCycles`). */
  cycles: number;
  /** A conv layer's blocks around the MVAU: [padding →] sliding window → MVAU [→ max-pool]. */
  conv?: ConvBlocksPlan;
  /** Bits per beat the layer takes in: the MVAU's SIMD values, or a conv window's input beat. */
  inWidth: number;
}

export interface ConvBlocksPlan {
  padding?: PaddingParams;
  window: SlidingWindowParams;
  /** Max-pool over the MVAU's output beats (SIMD = the layer's PE). */
  pool?: MaxPoolParams;
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
  /** Input elements per image (the first layer's input, NHWC for a conv). */
  inputLength: number;
  /** Elements per input beat (the width converter widens them to the first SIMD). */
  inputPerBeat: number;
  layers: LayerPlan[];
  /**
   * Values the last layer streams out per image, PE per beat: its scores (dense), or its whole
   * output feature map after pooling, NHWC (conv).
   */
  outputLength: number;
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
 * image so no beat straddles two images; for a conv first layer, tiling each pixel's `channels`.
 * The width converter widens beats to the first SIMD.
 */
export function inputElementsPerBeat(mw: number, bits: number, interval: number, channels = mw): number {
  // A beat holds part of one pixel's channels or whole pixels, never a pixel's tail and the next one's head.
  const options = divisors(mw).filter(
    (k) => k * bits <= MAX_AXIS_BITS && (channels % k === 0 || k % channels === 0),
  );
  const fast = options.filter((k) => mw / k <= interval && k * bits >= Math.min(8, mw * bits));
  return fast[0] ?? options[options.length - 1] ?? 1;
}

/** Turns a streamlined layer's activation into the MVAU's (popcount form for XNOR layers). */
function mvauActivation(layer: Layer, xnor: boolean): MvauParams["activation"] {
  const act = layer.activation;
  const mw = matrixWidth(layer);
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
    const bias = Array.from({ length: matrixHeight(layer) }, (_, c) => toBigInt(channelValue(act.bias, c)));
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

/** The padding, window and max-pool of a conv layer around its MVAU (sizes from layer-geometry). */
function convBlocksPlan(
  model: Model,
  index: number,
  layer: ConvLayer,
  shape: LayerShape,
  mvau: MvauParams,
): ConvBlocksPlan {
  const [height, width, channels] = layer.inShape;
  const windows = convWindows(shape, { pe: mvau.pe, simd: mvau.simd })!;
  const padCode = zeroCode(model, index, mvau.inputType);
  const padding: PaddingParams | undefined = hasPadding(layer)
    ? {
        name: `${mvau.name}_pad`,
        height,
        width,
        channels,
        simd: windows.window.simd,
        dataType: mvau.inputType,
        padding: layer.padding,
        // model-load refuses padding where the datatype has no code for 0.0.
        padValue: padCode ?? 0n,
      }
    : undefined;
  let pool: MaxPoolParams | undefined;
  if (windows.pool) {
    // The pool compares the MVAU's output codes: its datatype replaces the element width.
    const { elementBits: _, ...window } = windows.pool;
    pool = { ...window, name: `${mvau.name}_pool`, dataType: mvauShape(mvau).outType };
  }
  return { padding, window: { ...windows.window, name: `${mvau.name}_window` }, pool };
}

export function planAccelerator(
  model: Model,
  foldings: readonly Folding[],
  o: PlanOptions = {},
): AcceleratorPlan {
  const inTypes = layerInputDatatypes(model);
  const shapes = layerShapes(model, "none");
  const finalLayer = model.layers[model.layers.length - 1]!;
  if (finalLayer.kind !== "dense" && model.output.argmax)
    throw new ModelError(
      `layer ${finalLayer.name}: an arg-max needs a dense last layer (a conv layer streams out its whole feature map); set output.argmax to false or add a dense classifier`,
    );
  const layers: LayerPlan[] = model.layers.map((layer, i) => {
    const inputType = inTypes[i]!;
    const weightType = parseDataType(layer.weightDatatype);
    const xnor = isXnorLayer(inputType, weightType);
    const folding = foldings[i]!;
    const mvau: MvauParams = {
      name: verilogSafe(layer.name),
      mw: matrixWidth(layer),
      mh: matrixHeight(layer),
      simd: folding.simd,
      pe: folding.pe,
      inputType,
      weightType,
      weights: weightMatrix(layer),
      activation: mvauActivation(layer, xnor),
      weightMemory: foldings[i]!.weightMemory ?? o.weightMemory,
      multipliers: foldings[i]!.multipliers ?? o.multipliers,
      // Absent unless true, so a ROM build's plan (and its build ID) is the same however asked.
      ...(o.runtimeWeights ? { runtimeWeights: true } : {}),
      dspPorts: o.dspPorts,
      dspPacking: o.dspPacking,
    };
    if (layer.kind === "conv" && !simdChoices(shapes[i]!).includes(folding.simd))
      throw new ModelError(
        `layer ${layer.name}: SIMD ${folding.simd} neither divides the ${layer.inShape[2]} input channels nor is the parallel window's ${shapes[i]!.mw}`,
      );
    const shape = mvauShape(mvau);
    const conv = layer.kind === "conv" ? convBlocksPlan(model, i, layer, shapes[i]!, mvau) : undefined;
    return {
      name: layer.name,
      folding,
      mvau,
      shape,
      inputType,
      cycles: layerCycles(shapes[i]!, folding),
      ...(conv ? { conv } : {}),
      inWidth: conv ? slidingWindowShape(conv.window).beatWidth : shape.inWidth,
    };
  });
  const first = layers[0]!;
  const firstLayer = model.layers[0]!;
  const inputLength = inputSize(firstLayer);
  const initiationInterval = Math.max(...layers.map((l) => l.cycles));
  const pixelChannels = firstLayer.kind === "conv" ? firstLayer.inShape[2] : inputLength;
  const inputPerBeat =
    o.inputPerBeat ??
    inputElementsPerBeat(inputLength, first.inputType.bits, initiationInterval, pixelChannels);
  const links: LinkPlan[] = layers.map((l, i) => {
    // A max-pool keeps its MVAU's beat width (PE channels per beat).
    const fromWidth = i === 0 ? inputPerBeat * first.inputType.bits : layers[i - 1]!.shape.outWidth;
    return {
      from: i - 1,
      fromWidth,
      toWidth: l.inWidth,
      fifoDepth: o.fifoDepths?.[i] ?? linkFifoDepth(i === 0 ? undefined : fromWidth, l.conv?.window),
    };
  });
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
    inputLength,
    inputPerBeat,
    layers,
    outputLength: outputSize(finalLayer),
    links,
    argmax,
    scores: o.scores ?? false,
    exposeFifoCounts: o.exposeFifoCounts ?? false,
    initiationInterval,
  };
}

/** Beats of the last layer's output stream per image (PE values each). */
export function scoreBeatsPerImage(plan: AcceleratorPlan): number {
  return plan.outputLength / plan.layers[plan.layers.length - 1]!.folding.pe;
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
