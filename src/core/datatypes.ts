// Integer datatypes shared by the model format, the golden models and the hardware generators.
// Names follow FINN/QONNX: UINTn, INTn, BIPOLAR (±1 stored as one bit), BINARY (0/1).
import { bitsFor } from "./bits.js";
import { LoomError } from "./errors.js";

export type DataType =
  | { kind: "UINT"; bits: number }
  | { kind: "INT"; bits: number }
  | { kind: "BIPOLAR"; bits: 1 }
  | { kind: "BINARY"; bits: 1 };

/**
 * Loom's datatype limits, shared by the model loader, the ONNX importer, streamlining and the
 * hardware generators (one place, so they cannot disagree):
 *
 * - MAX_BITS (64): any integer datatype (weights, inputs, scores). Values are exact bigints
 *   everywhere; 64 bits is the widest an accumulator of INT32 × INT32 products needs in practice.
 * - MAX_ACTIVATION_BITS (16): the output of an activation between layers (a quantizer or a
 *   multi-threshold). An n-bit activation is a threshold unit comparing the accumulator against
 *   2^n − 1 thresholds per channel, each stored at the accumulator's width; at 16 bits that is
 *   65,535 thresholds per channel, already more memory than any FPGA spends on one layer. Wider
 *   activations are refused, so no stage ever enumerates 2^24 or 2^64 thresholds.
 * - MAX_THRESHOLD_INPUT_BITS (32): the accumulator a standalone thresholding unit compares.
 */
export const MAX_BITS = 64;
export const MAX_ACTIVATION_BITS = 16;
export const MAX_THRESHOLD_INPUT_BITS = 32;

/** Thresholds per channel of the widest activation: 2^MAX_ACTIVATION_BITS − 1. */
export const MAX_THRESHOLD_COUNT = 2 ** MAX_ACTIVATION_BITS - 1;

/** Refuses an activation of more than MAX_ACTIVATION_BITS bits (or more levels than it holds). */
export function checkActivationLevels(levels: number, where: string): void {
  if (!(levels <= MAX_THRESHOLD_COUNT)) {
    const bits = Math.ceil(Math.log2(levels + 1));
    throw new DataTypeError(
      `${where}: a ${Number.isFinite(bits) ? `${bits}-bit` : "unbounded"} activation (${levels} thresholds per channel) is wider than loom's limit of ${MAX_ACTIVATION_BITS} bits (${MAX_THRESHOLD_COUNT} thresholds); quantize the activation to at most ${MAX_ACTIVATION_BITS} bits`,
    );
  }
}

export class DataTypeError extends LoomError {
  override name = "DataTypeError";
  constructor(message: string) {
    super("datatype", message);
  }
}

/** Parses "UINT8", "INT4", "BIPOLAR", "BINARY" (case-insensitive). */
export function parseDataType(name: string): DataType {
  const upper = name.trim().toUpperCase();
  if (upper === "BIPOLAR") return { kind: "BIPOLAR", bits: 1 };
  if (upper === "BINARY") return { kind: "BINARY", bits: 1 };
  const m = /^(U?INT)(\d+)$/.exec(upper);
  if (m) {
    const bits = Number(m[2]);
    if (bits < 1 || bits > MAX_BITS) {
      throw new DataTypeError(`datatype ${name}: width must be 1..${MAX_BITS}`);
    }
    if (m[1] === "UINT") return bits === 1 ? { kind: "BINARY", bits: 1 } : { kind: "UINT", bits };
    if (bits < 2) throw new DataTypeError(`datatype ${name}: INT needs at least 2 bits (use BIPOLAR for ±1)`);
    return { kind: "INT", bits };
  }
  throw new DataTypeError(`unknown datatype "${name}": expected UINTn, INTn, BIPOLAR or BINARY`);
}

export function dataTypeName(dt: DataType): string {
  switch (dt.kind) {
    case "BIPOLAR":
    case "BINARY":
      return dt.kind;
    default:
      return `${dt.kind}${dt.bits}`;
  }
}

export function isSigned(dt: DataType): boolean {
  return dt.kind === "INT" || dt.kind === "BIPOLAR";
}

const minCache = new Map<string, bigint>();
const maxCache = new Map<string, bigint>();

/** Smallest representable value. */
export function minValue(dt: DataType): bigint {
  const key = `${dt.kind}${dt.bits}`;
  let v = minCache.get(key);
  if (v === undefined) minCache.set(key, (v = computeMin(dt)));
  return v;
}

/** Largest representable value. */
export function maxValue(dt: DataType): bigint {
  const key = `${dt.kind}${dt.bits}`;
  let v = maxCache.get(key);
  if (v === undefined) maxCache.set(key, (v = computeMax(dt)));
  return v;
}

function computeMin(dt: DataType): bigint {
  switch (dt.kind) {
    case "UINT":
    case "BINARY":
      return 0n;
    case "BIPOLAR":
      return -1n;
    case "INT":
      return -(1n << BigInt(dt.bits - 1));
  }
}

function computeMax(dt: DataType): bigint {
  switch (dt.kind) {
    case "UINT":
      return (1n << BigInt(dt.bits)) - 1n;
    case "BINARY":
    case "BIPOLAR":
      return 1n;
    case "INT":
      return (1n << BigInt(dt.bits - 1)) - 1n;
  }
}

export function allows(dt: DataType, v: bigint | number): boolean {
  const b = typeof v === "bigint" ? v : BigInt(v);
  if (dt.kind === "BIPOLAR") return b === -1n || b === 1n;
  return b >= minValue(dt) && b <= maxValue(dt);
}

/** Bit pattern of a value as stored in hardware (BIPOLAR: -1 -> 0, +1 -> 1). */
export function encode(dt: DataType, v: bigint): bigint {
  if (!allows(dt, v)) throw new DataTypeError(`value ${v} does not fit ${dataTypeName(dt)}`);
  if (dt.kind === "BIPOLAR") return v === 1n ? 1n : 0n;
  return BigInt.asUintN(dt.bits, v);
}

/** Value of a stored bit pattern. */
export function decode(dt: DataType, bits: bigint): bigint {
  if (dt.kind === "BIPOLAR") return (bits & 1n) === 1n ? 1n : -1n;
  return dt.kind === "INT" ? BigInt.asIntN(dt.bits, bits) : BigInt.asUintN(dt.bits, bits);
}

/** Smallest signed-or-unsigned datatype holding every value in [lo, hi]. */
export function smallestTypeFor(lo: bigint, hi: bigint): DataType {
  const bits = bitsFor(lo, hi);
  if (lo < 0n) return { kind: "INT", bits };
  return bits === 1 ? { kind: "BINARY", bits: 1 } : { kind: "UINT", bits };
}
