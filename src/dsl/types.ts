// Hardware types: ground types (UInt, SInt, Bool) and aggregates (Vec, Bundle).
// Aggregates are elaboration-time structure only; they flatten to ground signals named
// `a_b_0` in Verilog.
import { ElaborationError } from "./errors.js";

export interface GroundType {
  readonly kind: "ground";
  readonly signed: boolean;
  readonly width: number;
}
export interface VecType<T extends HwType = HwType> {
  readonly kind: "vec";
  readonly length: number;
  readonly element: T;
}
export interface BundleField<T extends HwType = HwType> {
  readonly type: T;
  /** Flipped fields flow against the bundle's direction (a stream's `ready`). */
  readonly flipped: boolean;
}
export interface BundleType<F extends Record<string, HwType> = Record<string, HwType>> {
  readonly kind: "bundle";
  readonly fields: { readonly [K in keyof F]: BundleField<F[K]> };
}
export type HwType = GroundType | VecType | BundleType;

/** Widest ground signal Loom accepts; wider data should be a Vec. */
export const MAX_WIDTH = 65536;

function checkWidth(width: number, what: string): void {
  if (!Number.isInteger(width) || width < 1 || width > MAX_WIDTH) {
    throw new ElaborationError(`${what} width must be an integer in 1..${MAX_WIDTH}, got ${width}`);
  }
}

export function UInt(width: number): GroundType {
  checkWidth(width, "UInt");
  return { kind: "ground", signed: false, width };
}
export function SInt(width: number): GroundType {
  checkWidth(width, "SInt");
  return { kind: "ground", signed: true, width };
}
export const Bool: GroundType = { kind: "ground", signed: false, width: 1 };

export function Vec<T extends HwType>(length: number, element: T): VecType<T> {
  if (!Number.isInteger(length) || length < 1) {
    throw new ElaborationError(`Vec length must be a positive integer, got ${length}`);
  }
  return { kind: "vec", length, element };
}

/** Marks a bundle field as flowing the other way. */
export interface Flipped<T extends HwType> {
  readonly flippedType: T;
}
export function flipped<T extends HwType>(type: T): Flipped<T> {
  return { flippedType: type };
}

type FieldSpec = HwType | Flipped<HwType>;
type Unflip<S> = S extends Flipped<infer T> ? T : S;

export function Bundle<S extends Record<string, FieldSpec>>(
  spec: S,
): BundleType<{ [K in keyof S]: Unflip<S[K]> }> {
  const fields: Record<string, BundleField> = {};
  for (const [name, f] of Object.entries(spec)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ElaborationError(`bundle field "${name}" is not a valid identifier`);
    }
    fields[name] = "flippedType" in f ? { type: f.flippedType, flipped: true } : { type: f, flipped: false };
  }
  return { kind: "bundle", fields } as BundleType<{ [K in keyof S]: Unflip<S[K]> }>;
}

export function typeName(t: HwType): string {
  switch (t.kind) {
    case "ground":
      return t.width === 1 && !t.signed ? "Bool" : `${t.signed ? "SInt" : "UInt"}(${t.width})`;
    case "vec":
      return `Vec(${t.length}, ${typeName(t.element)})`;
    case "bundle":
      return `Bundle{${Object.entries(t.fields)
        .map(([k, f]) => `${f.flipped ? "flipped " : ""}${k}: ${typeName(f.type)}`)
        .join(", ")}}`;
  }
}

/** Total number of bits of a type (the width of its packed form). */
export function bitWidth(t: HwType): number {
  switch (t.kind) {
    case "ground":
      return t.width;
    case "vec":
      return t.length * bitWidth(t.element);
    case "bundle":
      return Object.values(t.fields).reduce((s, f) => s + bitWidth(f.type), 0);
  }
}
