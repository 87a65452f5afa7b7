// The numbers folding and resource estimation need from each layer, and nothing else.
import { bitsFor } from "../core/bits.js";
import { divisors } from "../core/divisors.js";
import { parallelWindowProblem, parallelWindowSimd } from "../lib/conv/window-shape.js";
import { multiplyOperandBits } from "../lib/mvau/dot-product.js";
import { DSP48E2, type DspPacking, type DspPorts, dspPacking, NO_PACKING } from "../lib/mvau/dsp-packing.js";
import { layerAccumulator } from "../model/layer-accumulator.js";
import {
  convGeometry,
  hasPadding,
  matrixHeight,
  matrixWidth,
  vectorsPerImage,
} from "../model/layer-geometry.js";
import { activationOutputDatatype, layerInputDatatypes, quantCodeRange } from "../model/layer-types.js";
import type { Layer, Model } from "../model/model-format.js";

export interface LayerShape {
  name: string;
  /** Matrix width (inFeatures, or KH·KW·C) and height (outFeatures, or OC). */
  mw: number;
  mh: number;
  /** Matrix vectors per image: 1 for a dense layer, OH·OW for a conv (layer-geometry.ts). */
  vectors: number;
  /** What SIMD must divide: MW for a dense layer, the input channels C for a conv (a window beat is SIMD channels of one pixel). */
  simdSpan: number;
  /** A conv layer's blocks beside the MVAU: padding, sliding window, max-pool. */
  conv?: ConvBlocks;
  inputBits: number;
  weightBits: number;
  /** Operand widths of each lane's multiply as synthesis sees it (`multiplyOperandBits`); absent with no multiply. */
  multiplyBits?: readonly [number, number];
  /** Accumulator width in hardware (popcount width for XNOR layers). */
  accBits: number;
  outBits: number;
  /** BIPOLAR × BIPOLAR: multiply is an XNOR, accumulate is a popcount. */
  xnor: boolean;
  /** Thresholds per channel (0 for a raw "none" output). */
  thresholdCount: number;
  /** True when every channel shares one threshold row (constants, no threshold memory). */
  sharedThresholds: boolean;
  /** A "none" activation clamped at zero (`relu`): one sign-bit mux per output bit and PE. */
  clamp?: boolean;
  /**
   * Products of different PEs that share one DSP multiplier, and the bit spacing of their
   * fields (src/lib/mvau/dsp-packing.ts); absent = 1, no sharing.
   */
  dspPacking?: DspPacking;
}

/** Sizes of a conv layer's padding, window and pool (all from layer-geometry.ts). */
export interface ConvBlocks {
  /** Unpadded input [H, W, C]. */
  inShape: readonly [number, number, number];
  padded: boolean;
  /** Window input (after padding). */
  paddedHeight: number;
  paddedWidth: number;
  kernel: readonly [number, number];
  stride: readonly [number, number];
  /** Max-pool over the convolution output (convHeight × convWidth × OC), if any. */
  pool?: {
    height: number;
    width: number;
    kernel: readonly [number, number];
    stride: readonly [number, number];
  };
}

function convBlocks(layer: Layer): ConvBlocks | undefined {
  if (layer.kind !== "conv") return undefined;
  const g = convGeometry(layer);
  return {
    inShape: layer.inShape,
    padded: hasPadding(layer),
    paddedHeight: g.paddedHeight,
    paddedWidth: g.paddedWidth,
    kernel: layer.kernel,
    stride: layer.stride,
    pool: layer.pool
      ? { height: g.convHeight, width: g.convWidth, kernel: layer.pool.kernel, stride: layer.pool.stride }
      : undefined,
  };
}

/**
 * Shapes of every layer; float layers are sized as streamlining will make them. `dspPorts` is
 * the target's DSP multiplier (how many products share one), "none" when packing is off.
 */
export function layerShapes(model: Model, dspPorts: DspPorts | "none" = DSP48E2): LayerShape[] {
  const inTypes = layerInputDatatypes(model);
  return model.layers.map((layer, i) => {
    const accInfo = layerAccumulator(model, i, inTypes[i]);
    const act = layer.activation;
    // A float layer's thresholds lie in [lo, hi + 1]: one more value than the range itself.
    const accBits =
      act.kind === "float"
        ? Math.max(accInfo.type.bits, bitsFor(accInfo.exact.lo, accInfo.exact.hi + 1n))
        : accInfo.type.bits;
    let thresholdCount = 0;
    let sharedThresholds = true;
    if (act.kind === "float") {
      const { min, max } = quantCodeRange(act.quant);
      thresholdCount = act.quant.bits === 1 && act.quant.signed ? 1 : max - min;
      sharedThresholds = matrixHeight(layer) === 1;
    } else if (act.kind === "thresholds") {
      thresholdCount = act.thresholds[0]!.length;
      sharedThresholds = act.thresholds.length === 1;
    }
    const out = activationOutputDatatype(act);
    return {
      name: layer.name,
      mw: matrixWidth(layer),
      mh: matrixHeight(layer),
      vectors: vectorsPerImage(layer),
      simdSpan: layer.kind === "conv" ? layer.inShape[2] : matrixWidth(layer),
      ...(layer.kind === "conv" ? { conv: convBlocks(layer) } : {}),
      inputBits: inTypes[i]!.bits,
      weightBits: accInfo.wDt.bits,
      ...withMultiplyBits(multiplyOperandBits(inTypes[i]!, accInfo.wDt)),
      accBits,
      outBits: out ? out.bits : accBits,
      xnor: accInfo.xnor,
      thresholdCount,
      sharedThresholds,
      ...(act.kind === "none" && act.relu ? { clamp: true } : {}),
      dspPacking: dspPorts === "none" ? NO_PACKING : dspPacking(inTypes[i]!, accInfo.wDt, dspPorts),
    };
  });
}

function withMultiplyBits(bits: [number, number] | undefined): { multiplyBits?: [number, number] } {
  return bits ? { multiplyBits: bits } : {};
}

/**
 * The SIMD values a layer can be folded with: the divisors of `simdSpan` and, for a conv layer
 * whose window can be built in parallel (parallelWindowProblem), KH·KW·C, the parallel window
 * (one pixel per cycle in, one whole window per beat into the MVAU, SF = 1).
 */
export function simdChoices(shape: LayerShape): number[] {
  const simds = divisors(shape.simdSpan);
  const c = shape.conv;
  if (!c || c.kernel[0] * c.kernel[1] === 1) return simds;
  const channels = c.inShape[2];
  const parallel = parallelWindowProblem({
    height: c.paddedHeight,
    width: c.paddedWidth,
    channels,
    kernel: c.kernel,
    stride: c.stride,
    simd: channels,
    elementBits: shape.inputBits,
  });
  return parallel === undefined ? [...simds, parallelWindowSimd(c.kernel, channels)] : simds;
}
