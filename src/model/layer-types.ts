// Which datatype flows into and out of each layer. Activations are typed by what they produce:
// a quantizer by its bits and sign, thresholds by their declared output datatype.
import { passedOnRange } from "../core/accumulator.js";
import { type DataType, parseDataType, smallestTypeFor } from "../core/datatypes.js";
import { layerAccumulator } from "./layer-accumulator.js";
import type { Activation, Model, Quantizer } from "./model-format.js";
import { channelValue, toBigInt } from "./weights.js";

/** Output datatype of a quantizer: 1-bit signed is BIPOLAR (QONNX), 1-bit unsigned is BINARY. */
export function quantDatatype(q: Quantizer): DataType {
  if (q.bits === 1) return q.signed ? { kind: "BIPOLAR", bits: 1 } : { kind: "BINARY", bits: 1 };
  return q.signed ? { kind: "INT", bits: q.bits } : { kind: "UINT", bits: q.bits };
}

/**
 * Output code range [min, max] of a quantizer (narrow drops the most negative / the top code);
 * a 1-bit signed quantizer is bipolar, ±1 (QONNX). The one code-range implementation.
 */
export function quantCodeRange(q: Pick<Quantizer, "bits" | "signed" | "narrow">): {
  min: number;
  max: number;
} {
  if (q.bits === 1 && q.signed) return { min: -1, max: 1 };
  if (q.signed) {
    const half = 2 ** (q.bits - 1);
    return { min: q.narrow ? -half + 1 : -half, max: half - 1 };
  }
  const top = 2 ** q.bits - 1;
  return { min: 0, max: q.narrow ? top - 1 : top };
}

/** Datatype produced by an activation, or null for "none" (the raw accumulator plus bias). */
export function activationOutputDatatype(act: Activation): DataType | null {
  switch (act.kind) {
    case "float":
      return quantDatatype(act.quant);
    case "thresholds":
      return parseDataType(act.outDatatype);
    case "none":
      return null;
  }
}

/** Input datatype of every layer: the model input for layer 0, then the previous layer's output. */
export function layerInputDatatypes(model: Model): DataType[] {
  const types: DataType[] = [parseDataType(model.input.datatype)];
  for (let i = 1; i < model.layers.length; i++) types.push(layerOutputDatatype(model, i - 1, types[i - 1]!));
  return types;
}

/**
 * Datatype of a layer's output stream given its input datatype. For "none" (FINN's noActivation
 * MVAU, QKeras Dense → Dense) it is the range the exact acc + bias takes over each channel,
 * clamped at zero with `relu`: the same range the MVAU sizes its output by (mvauShape).
 */
export function layerOutputDatatype(model: Model, index: number, inDt: DataType): DataType {
  const act = model.layers[index]!.activation;
  const typed = activationOutputDatatype(act);
  if (typed || act.kind !== "none") return typed!;
  const acc = layerAccumulator(model, index, inDt);
  // XNOR layers pass popcounts, which only the last layer may output: sized by the accumulator.
  if (acc.xnor) return acc.type;
  const bias = acc.rows.map((_, c) => toBigInt(channelValue(act.bias, c)));
  const range = passedOnRange(acc.rows, bias, act.relu === true);
  return smallestTypeFor(range.lo, range.hi);
}

/** Weight datatype of a layer. */
export function weightDatatype(model: Model, index: number): DataType {
  return parseDataType(model.layers[index]!.weightDatatype);
}
