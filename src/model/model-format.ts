// Loom's versioned model file for quantized dense and convolutional networks (docs/model-format.md).
// The zod schema is the single definition: types are inferred from it, and load errors name
// the offending field by its JSON path.
import { z } from "zod";
import { MAX_ACTIVATION_BITS, parseDataType } from "../core/datatypes.js";
import { MAX_FRAME_PERCENT } from "../data/frame.js";

const dataTypeName = z.string().refine(
  (s) => {
    try {
      parseDataType(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: "expected a datatype: UINTn, INTn, BIPOLAR or BINARY" },
);

/** A number applied to every channel, or one number per channel. */
const perChannel = z.union([z.number(), z.array(z.number())]);

/** Integers; bigint-safe values are given as decimal strings when they exceed 2^53. */
const integer = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]);

const quantizer = z.strictObject({
  /** Step of the output grid: y = code · scale. */
  scale: z.number().positive(),
  bits: z.number().int().min(1).max(MAX_ACTIVATION_BITS),
  signed: z.boolean(),
  narrow: z.boolean().default(false),
  /** ROUND = half to even (QONNX/numpy), FLOOR, CEIL. */
  rounding: z.enum(["ROUND", "FLOOR", "CEIL"]).default("ROUND"),
});

const batchNorm = z.strictObject({
  mean: perChannel,
  variance: perChannel,
  gamma: perChannel,
  beta: perChannel,
  epsilon: z.number().nonnegative().default(1e-5),
});

/** What training produces: a monotone float chain from the integer accumulator to an output code. */
const floatActivation = z.strictObject({
  kind: z.literal("float"),
  /** Accumulator scale (input scale × weight scale), per channel or per tensor. */
  scale: perChannel,
  /** Added after scaling, in float units. */
  bias: perChannel.default(0),
  batchnorm: batchNorm.optional(),
  relu: z.boolean().default(false),
  quant: quantizer,
});

/** What FINN calls streamlined: y = outScale·#{i : acc ≥ T[c][i]} + outBias. */
const thresholdActivation = z.strictObject({
  kind: z.literal("thresholds"),
  outDatatype: dataTypeName,
  outBias: z.number().int().default(0),
  /** Ascending thresholds: one row for all channels, or one row per channel. */
  thresholds: z.array(z.array(integer)).min(1),
});

/**
 * Raw accumulator out: score = acc + bias (last layer: float score = score · scale on the host),
 * or between layers the exact integer passed on; `relu` clamps it at zero (max(acc + bias, 0)),
 * a ReLU with no quantizer after it (hidden layers only).
 */
const noActivation = z.strictObject({
  kind: z.literal("none"),
  bias: z.union([integer, z.array(integer)]).default(0),
  scale: perChannel.default(1),
  relu: z.boolean().optional(),
});

export const activationSchema = z.discriminatedUnion("kind", [
  floatActivation,
  thresholdActivation,
  noActivation,
]);

export const denseLayerSchema = z.strictObject({
  name: z.string().min(1),
  kind: z.literal("dense"),
  /** MW and MH. */
  inFeatures: z.number().int().positive(),
  outFeatures: z.number().int().positive(),
  weightDatatype: dataTypeName,
  /** MH rows of MW integers (row r = output channel r). BIPOLAR weights are written as -1/+1. */
  weights: z.array(z.array(z.number().int())),
  activation: activationSchema,
  /** Optional folding chosen by the user or by an importer (kept by the compiler). */
  folding: z.strictObject({ pe: z.number().int().positive(), simd: z.number().int().positive() }).optional(),
});

const pair = z.tuple([z.number().int().positive(), z.number().int().positive()]);

/**
 * A 2-D convolution (group 1) on an NHWC feature map, as FINN builds it: [padding →] sliding
 * window → MVAU → [max-pool]. The MVAU sees one KH·KW·C window per output pixel, so `weights`
 * is its matrix: OC rows of KH·KW·C integers in (kh, kw, c) order (ONNX OIHW transposed to
 * O·H·W·I). Padding inserts the code that represents 0.0 (src/model/layer-geometry.ts).
 */
export const convLayerSchema = z.strictObject({
  name: z.string().min(1),
  kind: z.literal("conv"),
  /** Unpadded input feature map [height, width, channels], channels innermost. */
  inShape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
  outChannels: z.number().int().positive(),
  /** [height, width] of the kernel and of the stride. */
  kernel: pair,
  stride: pair.default([1, 1]),
  /** Rows and columns added on each side (TensorFlow "same" at stride 2 is asymmetric). */
  padding: z
    .strictObject({
      top: z.number().int().min(0),
      bottom: z.number().int().min(0),
      left: z.number().int().min(0),
      right: z.number().int().min(0),
    })
    .default({ top: 0, bottom: 0, left: 0, right: 0 }),
  weightDatatype: dataTypeName,
  weights: z.array(z.array(z.number().int())),
  activation: activationSchema,
  /**
   * Max-pooling of the activation's output codes, per channel (exact: max commutes with a
   * monotone activation). Floor mode, no padding.
   */
  pool: z.strictObject({ kind: z.literal("max"), kernel: pair, stride: pair }).optional(),
  /** SIMD divides the input channels C (a window beat is SIMD channels), PE divides OC. */
  folding: z.strictObject({ pe: z.number().int().positive(), simd: z.number().int().positive() }).optional(),
});

export const layerSchema = z.discriminatedUnion("kind", [denseLayerSchema, convLayerSchema]);

export const modelSchema = z.strictObject({
  format: z.literal("loom-qnn"),
  version: z.literal(1),
  name: z.string().min(1),
  description: z.string().optional(),
  input: z.strictObject({
    /**
     * Logical shape (for example [32, 32], or [H, W, C] for a convolutional network); the
     * hardware takes the row-major flattening (NHWC: channels innermost).
     */
    shape: z.array(z.number().int().positive()).min(1),
    datatype: dataTypeName,
    /** Host-side preprocessing that turns a source image into the input vector. */
    preprocess: z
      .strictObject({
        /**
         * Border crop before resizing (src/data/crop.ts): percent of the source height (top,
         * bottom) or width (left, right) removed, each margin floor(size · percent / 100) pixels.
         */
        crop: z
          .strictObject({
            top: z.number().int().min(0).max(99),
            bottom: z.number().int().min(0).max(99),
            left: z.number().int().min(0).max(99),
            right: z.number().int().min(0).max(99),
          })
          .refine((c) => c.top + c.bottom < 100 && c.left + c.right < 100, {
            message: "top + bottom and left + right must each stay below 100",
          })
          .optional(),
        resize: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
        /**
         * Exact integer resize to `resize` (written by `loom train`, src/data/resize.ts): "area" =
         * area averaging, sum of overlap-weighted pixels / (srcW·srcH), rounded half up.
         */
        resample: z.enum(["area"]).optional(),
        /**
         * Grayscale conversion of colour sources: "luma" = (77R + 150G + 29B + 128) >> 8 (exact for R = G = B).
         */
        grayscale: z.enum(["luma"]).optional(),
        /**
         * Content framing after resizing (src/data/frame.ts): crop to the columns and rows that
         * hold all but `frame` % of the brightness mass above the profile minimum at each end
         * (at least half of each side), then resize back to `resize` by area averaging.
         */
        frame: z.number().int().min(0).max(MAX_FRAME_PERCENT).optional(),
        /**
         * Per-image integer normalization after resizing (src/data/normalize.ts): "none";
         * "minmax" = stretch [min, max] to [0, 255]; "stretch" = the same between the 1st and 99th
         * percentile pixels, clamped; "histeq" = histogram equalization. All round half up.
         */
        normalize: z.enum(["none", "minmax", "stretch", "histeq"]).optional(),
        note: z.string().optional(),
      })
      .optional(),
    /** For float inputs (imported graphs): code = round(x / scale) + zeroPoint on the host. */
    scale: z.number().positive().optional(),
    zeroPoint: z.number().int().optional(),
  }),
  layers: z.array(layerSchema).min(1),
  output: z
    .strictObject({
      /** Arg-max over the last layer's scores in hardware (ties pick the lowest index). */
      argmax: z.boolean().default(true),
      classes: z.array(z.string()).optional(),
    })
    .default({ argmax: true }),
  /** Free-form provenance (training command, metrics, importer). */
  meta: z.record(z.string(), z.unknown()).optional(),
});

export type Model = z.infer<typeof modelSchema>;
export type DenseLayer = z.infer<typeof denseLayerSchema>;
export type ConvLayer = z.infer<typeof convLayerSchema>;
/** Every layer kind: each has a weight matrix (MH rows of MW) and an activation. */
export type Layer = z.infer<typeof layerSchema>;
export type MaxPool = NonNullable<ConvLayer["pool"]>;
export type Activation = z.infer<typeof activationSchema>;
export type FloatActivation = z.infer<typeof floatActivation>;
export type ThresholdActivation = z.infer<typeof thresholdActivation>;
export type NoActivation = z.infer<typeof noActivation>;
export type Quantizer = z.infer<typeof quantizer>;
