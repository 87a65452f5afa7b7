// Golden matrix-vector product, independent of any hardware code: plain BigInt dot products.
// For BIPOLAR × BIPOLAR it returns what the hardware returns, popcount(xnor(x, w)).
import { isXnorLayer, popcountToSum } from "../accumulator.js";
import { allows, type DataType, dataTypeName } from "../datatypes.js";

/** Which form an XNOR layer's result takes: the hardware popcount or the ±1 dot product. */
export type XnorForm = "popcount" | "sum";

/**
 * acc[r] = Σ_i weights[r][i] · inputs[i]. For BIPOLAR inputs and weights the result is
 * popcount form (#{i : x_i = w_i}) unless `form` is "sum". Throws when a value does not fit
 * its datatype or the sizes disagree.
 */
export function mvauGolden(
  inputs: readonly bigint[],
  weights: readonly (readonly bigint[])[],
  inDt: DataType,
  wDt: DataType,
  form: XnorForm = "popcount",
): bigint[] {
  const mw = inputs.length;
  inputs.forEach((x, i) => {
    if (!allows(inDt, x)) throw new RangeError(`mvau input[${i}] = ${x} does not fit ${dataTypeName(inDt)}`);
  });
  const xnor = isXnorLayer(inDt, wDt);
  return weights.map((row, r) => {
    if (row.length !== mw)
      throw new RangeError(`mvau weights[${r}] has ${row.length} values, inputs have ${mw}`);
    let acc = 0n;
    row.forEach((w, i) => {
      if (!allows(wDt, w))
        throw new RangeError(`mvau weights[${r}][${i}] = ${w} does not fit ${dataTypeName(wDt)}`);
      acc += xnor ? (w === inputs[i] ? 1n : 0n) : w * inputs[i]!;
    });
    return xnor && form === "sum" ? popcountToSum(acc, mw) : acc;
  });
}

/** The ±1 dot product from an XNOR layer's popcount (sum = 2·pop − MW). */
export function xnorSum(popcount: bigint, mw: number): bigint {
  return popcountToSum(popcount, mw);
}
