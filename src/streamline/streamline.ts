// Streamlining: every float activation becomes an exact multi-threshold on the integer
// accumulator. The thresholds are fitted to the float reference itself (fitThresholds), so the
// streamlined model equals the float model on every reachable accumulator value, including the
// values where the float chain lands exactly on a rounding tie.
import { rowAccumulatorRange } from "../core/accumulator.js";
import { allows, type DataType, dataTypeName, parseDataType } from "../core/datatypes.js";
import {
  channelFloatParams,
  channelSlopeSign,
  floatActivationCode,
} from "../model/golden/float-activation.js";
import { matrixHeight } from "../model/layer-geometry.js";
import { layerInputDatatypes, quantCodeRange, quantDatatype } from "../model/layer-types.js";
import { ModelError } from "../model/model-error.js";
import type {
  FloatActivation,
  Layer,
  Model,
  NoActivation,
  ThresholdActivation,
} from "../model/model-format.js";
import { channelValue, toBigInt, toJsonInteger, weightMatrix } from "../model/weights.js";
import { fitThresholds } from "./monotone-thresholds.js";

/** Returns a new model with only "thresholds" and "none" activations; the input model is not changed. */
export function streamlineModel(model: Model): Model {
  const inTypes = layerInputDatatypes(model);
  const notes: string[] = [];
  const layers = model.layers.map((layer, i) => {
    const isLast = i === model.layers.length - 1;
    const act = layer.activation;
    if (act.kind === "float") return streamlineFloatLayer(layer, act, inTypes[i]!, notes);
    if (act.kind === "none" && isLast && model.output.argmax) return normalizeScoreLayer(layer, act, notes);
    return structuredClone(layer);
  });
  const meta = notes.length > 0 ? { ...model.meta, streamlineNotes: notes } : model.meta;
  return { ...structuredClone(model), layers, ...(meta ? { meta } : {}) };
}

function streamlineFloatLayer(layer: Layer, act: FloatActivation, inDt: DataType, notes: string[]): Layer {
  const outDt = quantDatatype(act.quant);
  const bipolar = outDt.kind === "BIPOLAR";
  const { min, max } = quantCodeRange(act.quant);
  const weights = weightMatrix(layer);
  const negated: number[] = [];
  const rows: bigint[][] = [];
  for (let c = 0; c < matrixHeight(layer); c++) {
    const code = floatActivationCode(act, c);
    // A falling channel gets its weight row negated, so the threshold sees acc' = −acc and the
    // code is evaluated at −acc' = acc: the same float computation, now rising in acc'.
    const flip = channelSlopeSign(act, c) < 0;
    if (flip) {
      weights[c] = weights[c]!.map((w) => -w);
      negated.push(c);
    }
    const sign = flip ? -1n : 1n;
    // BIPOLAR codes −1/+1 become the count 0/1 (y = 2·count − 1).
    const count = (acc: bigint) => {
      const y = code(sign * acc);
      return bipolar ? (y + 1) / 2 : y;
    };
    const { lo, hi } = rowAccumulatorRange(inDt, weights[c]!);
    try {
      const guess = bipolar ? undefined : affineGuess(act, c, flip ? -1 : 1);
      rows.push(fitThresholds(count, lo, hi, bipolar ? 0 : min, bipolar ? 1 : max, guess).thresholds);
    } catch (err) {
      throw new ModelError(`layer ${layer.name}, channel ${c}: cannot streamline: ${(err as Error).message}`);
    }
  }
  const weightDatatype = negatedWeightType(layer, weights, negated, notes);
  const activation: ThresholdActivation = {
    kind: "thresholds",
    outDatatype: dataTypeName(outDt),
    outBias: bipolar ? 0 : min,
    thresholds: compactRows(rows).map((r) => r.map(toJsonInteger)),
  };
  return {
    ...structuredClone(layer),
    weightDatatype,
    weights: weights.map((r) => r.map(Number)),
    activation,
  };
}

/**
 * Closed-form threshold estimate of a float activation, which is affine in the accumulator up to
 * ReLU and rounding: u = A·acc + B (u = pre-quantization value / quant.scale), and code m is
 * reached once u ≥ m − ½ (ROUND), m (FLOOR) or m − 1 (CEIL). Only an estimate: fitThresholds
 * keeps it only where the float reference itself confirms it.
 */
function affineGuess(act: FloatActivation, c: number, sign: 1 | -1): ((m: number) => bigint) | undefined {
  const p = channelFloatParams(act, c);
  const k = p.bn ? p.bn.gamma / Math.sqrt(p.bn.variance + p.bn.epsilon) : 1;
  const A = (sign * p.scale * k) / act.quant.scale;
  const B = (p.bn ? (p.bias - p.bn.mean) * k + p.bn.beta : p.bias) / act.quant.scale;
  if (!(A > 0) || !Number.isFinite(B)) return undefined;
  const delta = act.quant.rounding === "ROUND" ? 0.5 : act.quant.rounding === "FLOOR" ? 0 : 1;
  return (m) => {
    const t = Math.ceil((m - delta - B) / A);
    return Number.isSafeInteger(t) ? BigInt(t) : 0n;
  };
}

/** The weight datatype after negating rows: widened by one bit (and signed) if a value no longer fits. */
function negatedWeightType(layer: Layer, weights: bigint[][], negated: number[], notes: string[]): string {
  if (negated.length === 0) return layer.weightDatatype;
  const dt = parseDataType(layer.weightDatatype);
  notes.push(`layer ${layer.name}: weight rows [${negated.join(", ")}] negated (negative activation slope)`);
  if (weights.every((row) => row.every((w) => allows(dt, w)))) return layer.weightDatatype;
  const wider = dataTypeName({ kind: "INT", bits: dt.bits + 1 });
  notes.push(
    `layer ${layer.name}: weight datatype widened from ${layer.weightDatatype} to ${wider} to hold negated weights`,
  );
  return wider;
}

/** One shared row when every channel has the same thresholds (smaller threshold memories). */
function compactRows(rows: bigint[][]): bigint[][] {
  const first = rows[0]!;
  const same = rows.every((r) => r.length === first.length && r.every((t, k) => t === first[k]));
  return same ? [first] : rows;
}

/**
 * The final "none" layer feeds a hardware arg-max over integer scores, which equals the arg-max
 * of the real scores (acc + bias)·scale only for one common positive scale. A common negative
 * scale is made positive by negating weights and biases; differing scales cannot be made exact.
 */
function normalizeScoreLayer(layer: Layer, act: NoActivation, notes: string[]): Layer {
  const scales = Array.from({ length: matrixHeight(layer) }, (_, c) => channelValue(act.scale, c));
  const s = scales[0]!;
  if (!scales.every((v) => v === s) || s === 0) {
    throw new ModelError(
      `layer ${layer.name}: activation.scale must be one nonzero value for all channels when output.argmax is on ` +
        `(the hardware arg-max compares integer scores; per-channel scales [${scales.join(", ")}] would change the winner). ` +
        "Fold the scales into the weights before export, or set output.argmax to false.",
    );
  }
  if (s > 0) return structuredClone(layer);
  const weights = weightMatrix(layer).map((r) => r.map((w) => -w));
  const bias = Array.isArray(act.bias)
    ? act.bias.map((b) => toJsonInteger(-toBigInt(b)))
    : toJsonInteger(-toBigInt(act.bias));
  const weightDatatype = negatedWeightType(layer, weights, [...weights.keys()], notes);
  return {
    ...structuredClone(layer),
    weightDatatype,
    weights: weights.map((r) => r.map(Number)),
    activation: {
      kind: "none",
      bias,
      scale: Array.isArray(act.scale) ? act.scale.map((v) => -v) : -act.scale,
    },
  };
}
