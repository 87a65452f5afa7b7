// The one place that knows a layer's geometry: its weight matrix (MW × MH), how many matrix
// vectors it takes per image, and the shapes of the feature maps it consumes and produces.
// Dense and conv layers are both "a matrix applied to vectors": dense to one vector per image,
// conv to one KH·KW·C window per output pixel (NHWC, FINN's order).

import type { DataType } from "../core/datatypes.js";
import { type Padding2d, windowCount } from "../core/window.js";
import type { ConvLayer, Layer, Model } from "./model-format.js";

/** [height, width, channels]; a dense layer's vector is [1, 1, features]. */
export type FeatureShape = readonly [number, number, number];

export interface ConvGeometry {
  /** Input after padding. */
  paddedHeight: number;
  paddedWidth: number;
  /** Convolution output (before pooling). */
  convHeight: number;
  convWidth: number;
  /** Layer output (after pooling, if any). */
  outHeight: number;
  outWidth: number;
}

/** Matrix width MW: inputs per vector (KH·KW·C for a conv). */
export function matrixWidth(layer: Layer): number {
  return layer.kind === "dense" ? layer.inFeatures : layer.kernel[0] * layer.kernel[1] * layer.inShape[2];
}

/** Matrix height MH: output channels. */
export function matrixHeight(layer: Layer): number {
  return layer.kind === "dense" ? layer.outFeatures : layer.outChannels;
}

/** Padding, convolution and pooling sizes of a conv layer (throws RangeError when a window does not fit). */
export function convGeometry(layer: ConvLayer): ConvGeometry {
  const { height: paddedHeight, width: paddedWidth } = paddedSize(layer);
  const convHeight = windowCount(paddedHeight, layer.kernel[0], layer.stride[0]);
  const convWidth = windowCount(paddedWidth, layer.kernel[1], layer.stride[1]);
  const pool = layer.pool;
  return {
    paddedHeight,
    paddedWidth,
    convHeight,
    convWidth,
    outHeight: pool ? windowCount(convHeight, pool.kernel[0], pool.stride[0]) : convHeight,
    outWidth: pool ? windowCount(convWidth, pool.kernel[1], pool.stride[1]) : convWidth,
  };
}

/** Height and width of the input after padding. */
export function paddedSize(layer: ConvLayer): { height: number; width: number } {
  const p: Padding2d = layer.padding;
  return { height: layer.inShape[0] + p.top + p.bottom, width: layer.inShape[1] + p.left + p.right };
}

/** Matrix vectors per image: 1 for dense, OH·OW (before pooling) for conv. */
export function vectorsPerImage(layer: Layer): number {
  if (layer.kind === "dense") return 1;
  const g = convGeometry(layer);
  return g.convHeight * g.convWidth;
}

/** Feature map the layer consumes. */
export function inputShape(layer: Layer): FeatureShape {
  return layer.kind === "dense" ? [1, 1, layer.inFeatures] : layer.inShape;
}

/** Feature map the layer produces (after pooling). */
export function outputShape(layer: Layer): FeatureShape {
  if (layer.kind === "dense") return [1, 1, layer.outFeatures];
  const g = convGeometry(layer);
  return [g.outHeight, g.outWidth, layer.outChannels];
}

export const shapeSize = (s: FeatureShape): number => s[0] * s[1] * s[2];

/** Values per image into and out of a layer. */
export const inputSize = (layer: Layer): number => shapeSize(inputShape(layer));
export const outputSize = (layer: Layer): number => shapeSize(outputShape(layer));

export function hasPadding(layer: Layer): layer is ConvLayer {
  if (layer.kind !== "conv") return false;
  const p = layer.padding;
  return p.top + p.bottom + p.left + p.right > 0;
}

/**
 * The input code that represents 0.0, which padding inserts: the model's zero point for the
 * first layer's float input, 0 otherwise; null when the datatype has no zero (BIPOLAR).
 */
export function zeroCode(model: Model, index: number, inputType: DataType): bigint | null {
  if (inputType.kind === "BIPOLAR") return null;
  return index === 0 ? BigInt(model.input.zeroPoint ?? 0) : 0n;
}

export const shapeText = (s: FeatureShape): string => `${s[0]}x${s[1]}x${s[2]}`;
