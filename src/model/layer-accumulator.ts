// Accumulator facts of one model layer, in the form the hardware computes (popcount for XNOR
// layers, the plain dot product otherwise), with the width that holds them.
import {
  accumulatorType,
  denseAccumulator,
  exactAccumulatorRange,
  maxBig,
  minBig,
  popcountRange,
  type Range,
  thresholdSumToPopcount,
  worstCaseAccumulatorRange,
} from "../core/accumulator.js";
import type { DataType } from "../core/datatypes.js";
import { matrixHeight, matrixWidth } from "./layer-geometry.js";
import { layerInputDatatypes, weightDatatype } from "./layer-types.js";
import type { Model } from "./model-format.js";
import { channelValue, thresholdRow, toBigInt, weightMatrix } from "./weights.js";

export interface LayerAccumulator {
  inDt: DataType;
  wDt: DataType;
  mw: number;
  mh: number;
  /** BIPOLAR × BIPOLAR: the hardware accumulates popcount(xnor) ∈ [0, MW]. */
  xnor: boolean;
  /** Exact range of the ±1 sum / dot product over all inputs, from the actual weights. */
  exactSum: Range;
  /** Exact range in hardware form (popcount for XNOR layers): the MVAU's accumulator range. */
  exact: Range;
  /** `exact` per output channel. */
  rows: Range[];
  /** Range from datatypes and MW alone, hardware form. */
  worstCase: Range;
  /** The MVAU's accumulator datatype (smallest holding `exact`; `denseAccumulator`). */
  accumulator: DataType;
  /**
   * Comparison datatype: smallest holding the exact range, the thresholds (hardware form) and,
   * for "none", acc + bias; at least as wide as `accumulator`.
   */
  type: DataType;
}

export function layerAccumulator(model: Model, index: number, inDt?: DataType): LayerAccumulator {
  const layer = model.layers[index]!;
  const input = inDt ?? layerInputDatatypes(model)[index]!;
  const wDt = weightDatatype(model, index);
  const mw = matrixWidth(layer);
  const mh = matrixHeight(layer);
  const weights = weightMatrix(layer);
  const acc = denseAccumulator(input, wDt, mw, mh, weights);
  const xnor = acc.xnor;
  const exactSum = exactAccumulatorRange(input, weights);
  const exact = acc.range;
  const worstCase = xnor ? popcountRange(mw) : worstCaseAccumulatorRange(input, wDt, mw);
  const act = layer.activation;
  let compared: bigint[][] = [];
  if (act.kind === "thresholds") {
    compared = act.thresholds.map((_, c) =>
      thresholdRow(act, c).map((t) => (xnor ? thresholdSumToPopcount(t, mw) : t)),
    );
  } else if (act.kind === "none") {
    // The bias is added in the accumulator, so acc + bias must fit too (in ±1-sum form).
    const biases = Array.from({ length: mh }, (_, c) => toBigInt(channelValue(act.bias, c)));
    compared = [[exactSum.lo + minBig(biases), exactSum.hi + maxBig(biases)]];
  }
  return {
    inDt: input,
    wDt,
    mw,
    mh,
    xnor,
    exactSum,
    exact,
    rows: acc.rows,
    worstCase,
    accumulator: acc.type,
    type: accumulatorType(exact, compared),
  };
}
