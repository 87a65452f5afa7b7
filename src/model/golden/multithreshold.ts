// Golden multi-threshold (QONNX MultiThreshold with out_scale 1, or 2 for BIPOLAR).
import type { DataType } from "../../core/datatypes.js";

/**
 * y = #{i : acc ≥ T[i]} + outBias; a BIPOLAR output is 2·count − 1 (outBias is not used).
 * A value equal to a threshold counts (≥), as in QONNX and FINN.
 */
export function multiThreshold(
  acc: bigint,
  thresholds: readonly bigint[],
  outBias: number,
  outDt: DataType,
): bigint {
  let count = 0n;
  for (const t of thresholds) if (acc >= t) count++;
  return outDt.kind === "BIPOLAR" ? 2n * count - 1n : count + BigInt(outBias);
}
