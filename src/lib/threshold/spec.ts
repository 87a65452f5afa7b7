// Multi-threshold parameters shared by the MVAU's activation and the standalone thresholding
// unit: y = #{i : x ≥ T[c][i]} + outBias (BIPOLAR out: 2·count − 1 stored as one bit).

import {
  type DataType,
  dataTypeName,
  MAX_ACTIVATION_BITS,
  maxValue,
  minValue,
} from "../../core/datatypes.js";
import { ElaborationError } from "../../dsl/index.js";
import type { ThresholdSearch } from "./search.js";

export interface ThresholdSpec {
  /** One ascending row per channel, or a single row applied to every channel. */
  thresholds: readonly (readonly (number | bigint)[])[];
  /** Datatype of the activation's output. */
  outputType: DataType;
  /** Added to the count (FINN's ActVal); must be 0 or absent for a BIPOLAR output. */
  outBias?: number | bigint;
  /**
   * Compare with every threshold at once (`parallel`), or find the count by a pipelined binary
   * search (`binary`, one register stage per output bit); `auto` (default) picks the cheaper
   * (`resolveSearch` in search.ts).
   */
  search?: ThresholdSearch;
  /**
   * Where the threshold tables live (a binary search's tables, a parallel search's per-channel
   * ROM): `auto` (default) puts tables of at least 64 words and 8 Kbit in block RAM and smaller
   * ones in LUT ROM (`memoryPlacement` in src/core/memory-style.ts); `block` / `distributed`
   * force every table there.
   */
  thresholdMemory?: "auto" | "block" | "distributed";
}

/** A checked spec: bigint thresholds, one row per channel unless `global`. */
export interface CheckedThresholds {
  rows: bigint[][];
  global: boolean;
  count: number;
  outType: DataType;
  outBias: bigint;
  search: ThresholdSearch;
  thresholdMemory: "auto" | "block" | "distributed";
}

function fail(detail: string): never {
  throw new ElaborationError(detail);
}

/** Checks a threshold spec against `channels` output channels; the errors say what would work. */
export function checkThresholdSpec(spec: ThresholdSpec, channels: number): CheckedThresholds {
  const out = spec.outputType;
  if (out.kind !== "BIPOLAR" && out.kind !== "BINARY" && (out.bits < 1 || out.bits > MAX_ACTIVATION_BITS)) {
    const m = MAX_ACTIVATION_BITS;
    fail(
      `threshold output datatype ${dataTypeName(out)} is not supported; use UINT1..UINT${m}, INT2..INT${m}, BINARY or BIPOLAR`,
    );
  }
  const rows = spec.thresholds.map((row) => row.map((v) => BigInt(v)));
  if (rows.length !== channels && rows.length !== 1) {
    fail(`thresholds have ${rows.length} rows; give ${channels} (one per channel) or 1 (for every channel)`);
  }
  const count = rows[0]!.length;
  if (count < 1) fail("each channel needs at least one threshold");
  rows.forEach((row, c) => {
    if (row.length !== count)
      fail(`threshold row ${c} has ${row.length} values; every row needs ${count} (the same number)`);
    for (let i = 1; i < row.length; i++) {
      if (row[i]! < row[i - 1]!)
        fail(`threshold row ${c} is not ascending at index ${i} (${row[i - 1]} then ${row[i]}); sort it`);
    }
  });
  const search = spec.search ?? "auto";
  if (search !== "parallel" && search !== "binary" && search !== "auto")
    fail(`threshold search "${search}" is not supported; use "parallel", "binary" or "auto"`);
  const thresholdMemory = spec.thresholdMemory ?? "auto";
  if (thresholdMemory !== "auto" && thresholdMemory !== "block" && thresholdMemory !== "distributed")
    fail(`thresholdMemory "${thresholdMemory}" is not supported; use "auto", "block" or "distributed"`);
  const outBias = BigInt(spec.outBias ?? 0);
  if (out.kind === "BIPOLAR") {
    if (count !== 1)
      fail(`a BIPOLAR output (2·count − 1) needs exactly 1 threshold per channel, got ${count}`);
    if (outBias !== 0n) fail("a BIPOLAR output takes no outBias (it is 2·count − 1); leave outBias at 0");
  } else if (outBias < minValue(out) || outBias + BigInt(count) > maxValue(out)) {
    fail(
      `outputs ${outBias}..${outBias + BigInt(count)} (outBias + 0..${count} thresholds) do not fit ${dataTypeName(out)} ` +
        `(${minValue(out)}..${maxValue(out)}); use fewer thresholds, another outBias or a wider output type`,
    );
  }
  return { rows, global: rows.length === 1, count, outType: out, outBias, search, thresholdMemory };
}

/**
 * A threshold for inputs in [lo, hi], clipped to [lo, hi + 1] (a threshold below lo always
 * counts, above hi never): every result stays the same and the comparator width is bounded by
 * the input range (`comparatorFor` in compare.ts).
 */
export function clip(t: bigint, lo: bigint, hi: bigint): bigint {
  return t < lo ? lo : t > hi + 1n ? hi + 1n : t;
}
