// Golden matrix-vector product, independent of any hardware code: plain BigInt dot products.
// For BIPOLAR × BIPOLAR it returns what the hardware returns, popcount(xnor(x, w)).
import { isXnorLayer, popcountToSum } from "../../core/accumulator.js";
import { allows, type DataType, dataTypeName } from "../../core/datatypes.js";

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
  const checked = checkedWeights(weights, wDt, mw);
  // Exact in doubles whenever every partial sum stays below 2^53 (true of any 8-bit layer).
  if (checked.numeric) {
    const x = Float64Array.from(inputs, Number);
    return checked.numeric.map((row) => {
      let acc = 0;
      if (xnor) for (let i = 0; i < mw; i++) acc += row[i] === x[i] ? 1 : 0;
      else for (let i = 0; i < mw; i++) acc += row[i]! * x[i]!;
      const a = BigInt(acc);
      return xnor && form === "sum" ? popcountToSum(a, mw) : a;
    });
  }
  return weights.map((row) => {
    let acc = 0n;
    row.forEach((w, i) => {
      acc += xnor ? (w === inputs[i] ? 1n : 0n) : w * inputs[i]!;
    });
    return xnor && form === "sum" ? popcountToSum(acc, mw) : acc;
  });
}

/** Weight matrices already checked against their datatype, with a double copy when exact. */
const checkedCache = new WeakMap<object, { numeric?: Float64Array[] }>();

function checkedWeights(
  weights: readonly (readonly bigint[])[],
  wDt: DataType,
  mw: number,
): { numeric?: Float64Array[] } {
  const hit = checkedCache.get(weights);
  if (hit) return hit;
  let maxAbs = 0n;
  weights.forEach((row, r) => {
    if (row.length !== mw)
      throw new RangeError(`mvau weights[${r}] has ${row.length} values, inputs have ${mw}`);
    row.forEach((w, i) => {
      if (!allows(wDt, w))
        throw new RangeError(`mvau weights[${r}][${i}] = ${w} does not fit ${dataTypeName(wDt)}`);
      const a = w < 0n ? -w : w;
      if (a > maxAbs) maxAbs = a;
    });
  });
  // Inputs of up to 32 bits: |Σ w·x| ≤ MW · max|w| · 2^32 must stay below 2^53.
  const exact = BigInt(mw) * maxAbs * (1n << 32n) < 1n << 53n;
  const result = { numeric: exact ? weights.map((row) => Float64Array.from(row, Number)) : undefined };
  checkedCache.set(weights, result);
  return result;
}

/** The ±1 dot product from an XNOR layer's popcount (sum = 2·pop − MW). */
export function xnorSum(popcount: bigint, mw: number): bigint {
  return popcountToSum(popcount, mw);
}
