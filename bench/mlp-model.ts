// Streamlined fully-connected networks with seeded random weights and thresholds, in Loom's
// model format: FINN's TFC topology (784-64-64-64-10) in its w1a1 and w2a2 forms, and small
// networks for quick synthesis tests.
import { type DataType, dataTypeName, maxValue, minValue, parseDataType } from "../src/core/datatypes.js";
import type { Model } from "../src/model/model-format.js";
import { lcg } from "./mvau-config.js";

export interface MlpSpec {
  name: string;
  sizes: readonly number[];
  input: string;
  weights: string;
  activations: string;
  seed?: number;
  /** PE/SIMD per layer, stored in the model (gen then uses it instead of folding). */
  folding?: ReadonlyArray<{ pe: number; simd: number }>;
}

/** Random weights of the type; thresholds spread over the accumulator's likely range; last layer raw scores. */
export function mlpModel(spec: MlpSpec): Model {
  const next = lcg(spec.seed ?? 1);
  const unit = () => next() / 2 ** 24;
  const pick = (dt: DataType) => {
    if (dt.kind === "BIPOLAR") return unit() < 0.5 ? -1 : 1;
    const lo = Number(minValue(dt));
    const hi = Number(maxValue(dt));
    return lo + Math.floor(unit() * (hi - lo + 1));
  };
  let inDt = parseDataType(spec.input);
  const wDt = parseDataType(spec.weights);
  const aDt = parseDataType(spec.activations);
  const model: Model = {
    format: "loom-qnn",
    version: 1,
    name: spec.name,
    input: { shape: [spec.sizes[0]!], datatype: dataTypeName(inDt) },
    layers: [],
    output: { argmax: true },
  };
  const layersCount = spec.sizes.length - 1;
  for (let i = 0; i < layersCount; i++) {
    const mw = spec.sizes[i]!;
    const mh = spec.sizes[i + 1]!;
    const weights = Array.from({ length: mh }, () => Array.from({ length: mw }, () => pick(wDt)));
    const folding = spec.folding?.[i];
    const base = {
      name: `fc${i}`,
      kind: "dense" as const,
      inFeatures: mw,
      outFeatures: mh,
      weightDatatype: dataTypeName(wDt),
      weights,
    };
    if (i === layersCount - 1) {
      const xnor = inDt.kind === "BIPOLAR" && wDt.kind === "BIPOLAR";
      const bias = Array.from({ length: mh }, () =>
        xnor ? 2 * Math.floor(unit() * 4) + (mw % 2) : Math.floor(unit() * 9) - 4,
      );
      model.layers.push({
        ...base,
        activation: { kind: "none", bias, scale: 1 },
        ...(folding ? { folding } : {}),
      });
    } else {
      // Accumulator spread of a random dot product: about sqrt(MW) · |x| · |w|.
      const mag = (dt: DataType) => Math.max(Math.abs(Number(minValue(dt))), Math.abs(Number(maxValue(dt))));
      const spread = Math.max(2, Math.round(Math.sqrt(mw) * mag(inDt) * mag(wDt)));
      const count = aDt.kind === "BIPOLAR" ? 1 : Number(maxValue(aDt) - minValue(aDt));
      const thresholds = Array.from({ length: mh }, () =>
        Array.from({ length: count }, () => Math.round((unit() * 2 - 1) * spread)).sort((a, b) => a - b),
      );
      model.layers.push({
        ...base,
        activation: {
          kind: "thresholds",
          outDatatype: dataTypeName(aDt),
          outBias: aDt.kind === "BIPOLAR" ? 0 : Number(minValue(aDt)),
          thresholds,
        },
        ...(folding ? { folding } : {}),
      });
      inDt = aDt;
    }
  }
  return model;
}

/** FINN's published TFC folding (finn-examples): 64 cycles per image. */
export const TFC_FOLDING = [
  { pe: 16, simd: 49 },
  { pe: 8, simd: 8 },
  { pe: 8, simd: 8 },
  { pe: 10, simd: 8 },
];
export const TFC_SIZES = [784, 64, 64, 64, 10];

/** TFC-w1a1: BIPOLAR input, weights and activations (XNOR-popcount datapath). */
export const tfcW1A1 = (folding = true) =>
  mlpModel({
    name: "tfc-w1a1",
    sizes: TFC_SIZES,
    input: "BIPOLAR",
    weights: "BIPOLAR",
    activations: "BIPOLAR",
    folding: folding ? TFC_FOLDING : undefined,
  });

/** TFC-w2a2: INT2 weights, UINT2 input and activations. */
export const tfcW2A2 = (folding = true) =>
  mlpModel({
    name: "tfc-w2a2",
    sizes: TFC_SIZES,
    input: "UINT2",
    weights: "INT2",
    activations: "UINT2",
    folding: folding ? TFC_FOLDING : undefined,
  });
