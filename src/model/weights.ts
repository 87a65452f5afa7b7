// Integer views of a layer's parameters: the model file keeps JSON numbers (or decimal strings
// for huge thresholds); every computation works on bigint.
import type { Layer, ThresholdActivation } from "./model-format.js";

/** The MH × MW weight matrix as bigint. */
export function weightMatrix(layer: Layer): bigint[][] {
  return layer.weights.map((row) => row.map((w) => BigInt(w)));
}

/** Threshold row of channel c (a single row applies to every channel). */
export function thresholdRow(act: ThresholdActivation, c: number): bigint[] {
  const row = act.thresholds.length === 1 ? act.thresholds[0]! : act.thresholds[c]!;
  return row.map((t) => BigInt(t));
}

/** Value of channel c in a per-channel field (a single number or a one-element array applies to all). */
export function channelValue<T>(value: T | readonly T[], c: number): T {
  if (!Array.isArray(value)) return value as T;
  return (value.length === 1 ? value[0] : value[c]) as T;
}

/** bigint for a JSON integer (number or decimal string). */
export function toBigInt(v: number | string): bigint {
  return BigInt(v);
}

/** JSON form of a bigint: a number when exactly representable, else a decimal string. */
export function toJsonInteger(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(v)
    : v.toString();
}
