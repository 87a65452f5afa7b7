// Per-copy metrics of a model on a validation set built by withShifts (the clean hold-out
// followed by one copy per acquisition shift): which shift costs most, and the worst copy,
// the criterion of protocol 5 (docs/training.md). A pooled number hides a shortcut that only
// one shift exposes; the worst copy does not.
import type { Split } from "../data/load.js";
import type { Model } from "../model/model-format.js";
import { type IntegerResult, inferInteger } from "./int-infer.js";
import { type BinaryMetrics, binaryMetrics } from "./metrics.js";
import { ACQUISITION_SHIFTS, type ImageShift } from "./shift-suite.js";

export interface ShiftMetrics {
  /** "none" for the clean copy, else the shift's name. */
  shift: string;
  metrics: BinaryMetrics;
}

export function perShiftMetrics(
  model: Model,
  val: Split,
  shifts: readonly ImageShift[] = ACQUISITION_SHIFTS,
  /** The model's integer inference of `val`, when the caller already has it. */
  inferred?: IntegerResult,
): ShiftMetrics[] {
  const copies = 1 + shifts.length;
  if (val.n % copies !== 0) {
    throw new Error(`perShiftMetrics: ${val.n} images is not ${copies} equal copies`);
  }
  const n = val.n / copies;
  const r = inferred ?? inferInteger(model, val.x, val.n);
  return ["none", ...shifts.map((s) => s.name)].map((shift, k) => {
    const part = (a: ArrayLike<number>) => Array.from({ length: n }, (_, i) => a[k * n + i]!);
    const diff = r.scores.slice(k * n, (k + 1) * n).map((s) => s[1]! - s[0]!);
    return { shift, metrics: binaryMetrics(part(val.y), part(r.predictions), diff) };
  });
}

/** The copy with the lowest balanced accuracy (the first one on a tie). */
export function worstShift(list: readonly ShiftMetrics[]): ShiftMetrics {
  return list.reduce((w, s) => (s.metrics.balancedAccuracy < w.metrics.balancedAccuracy ? s : w));
}
