// Several PEs' products in one DSP multiplier. The PEs of an MVAU multiply the same input
// element by different weights, so k weights can share one multiplication:
//
//   x · (w0 + w1·2^S + … + w(k−1)·2^((k−1)S))  =  x·w0 + (x·w1)·2^S + …
//
// Two ways to read the k products back out of the single wide product P:
// - Guarded fields (`canaryBits` 0): with S one bit wider than a product needs, field j is P's
//   bits [jS + S − 1 : jS], read as signed, plus the borrow that the signed fields below it left
//   behind, which is bit jS − 1 of P (the sign of everything below).
// - Overlapping fields (`canaryBits` c > 0): S is narrower than a product, so everything below
//   field j spills a small signed carry h(j−1) into it. The c low bits of each product are
//   cheap to compute beside the DSP (from the c low bits of x and w); P's c bits at field j are
//   those bits plus h(j−1), so their difference is h(j−1), and field j is
//   h(j)·2^S + P[jS + S − 1 : jS] − h(j−1). This is how FINN's RTL MVU (mvu_4sx4u) fits four
//   4-bit products in a DSP48E2: fields 7 bits apart instead of 9.
// Xilinx's DSP48E2 multiplies 27 × 18 bits (the 7-series DSP48E1 25 × 18), so the packed weight
// must fit the wide port and the input the narrow one (the idea of Xilinx WP486, "Deep learning
// with INT8 on Xilinx devices"). On UltraScale+ the packed product is an instantiated DSP48E2
// (dsp48e2.ts): its pre-adder forms the packed weight and it holds the product's registers.

import { worstCaseAccumulatorRange } from "../../core/accumulator.js";
import { type DataType, maxValue, minValue } from "../../core/datatypes.js";
import { cat, type Expr, lit, reg, regNext, SInt, type Signal, UInt } from "../../dsl/index.js";
import { DSP48E2_LATENCY, DSP48E2_WIDTHS, dsp48e2Product } from "./dsp48e2.js";

/** Signed operand widths of a DSP slice's multiplier. */
export interface DspPorts {
  wide: number;
  narrow: number;
  /** Packed products go to an instantiated DSP48E2 (dsp48e2.ts) rather than an inferred multiply. */
  primitive?: boolean;
}

/** UltraScale(+) DSP48E2: 27 × 18, packed products in the instantiated primitive. */
export const DSP48E2: DspPorts = { wide: 27, narrow: 18, primitive: true };
/** The same slice, every product written as a multiplication for synthesis to infer. */
export const DSP48E2_INFERRED: DspPorts = { wide: 27, narrow: 18 };
/** 7-series DSP48E1: 25 × 18 (two 8 × 8-bit products do not fit: they need 26 bits). */
export const DSP48E1: DspPorts = { wide: 25, narrow: 18 };
/** Products narrower than this stay in LUTs in synthesis, so packing them would add DSPs. */
export const DSP_MIN_PRODUCT_BITS = 8;

/**
 * Low product bits computed beside the DSP per overlapping field. One bit (x₀·w₀, and a carry of
 * −1 or 0 added as a bit) keeps the fields' recovery inside the adder tree's carry chains; with
 * two (UINT8 × INT2 in four fields) Yosys built the pneumonia-w2a2 fc0 layer in 53,778 LUTs
 * against 23,617 with three guarded fields, for 256 fewer DSPs, so wider canaries are not used.
 */
export const MAX_CANARY_BITS = 1;

/** The one description of a packing: the generator builds it and the estimate costs it. */
export interface DspPacking {
  /** Products per multiplier (1 = no packing). */
  fields: number;
  /** Bit distance between fields. */
  spacing: number;
  /**
   * 0: guarded fields (a product's signed width plus one guard bit apart). c > 0: overlapping
   * fields, each product's c low bits computed beside the DSP to recover the carries.
   */
  canaryBits: number;
  /** Signed width of the packed weight (at most the wide port). */
  weightBits: number;
  /**
   * Fabric register bits per multiplier: the wide product's fields and the canaries when the
   * multiply is inferred; only the canaries (one copy per stage) when a DSP48E2 holds P.
   */
  registerBits: number;
  /** Register stages from the operands to the products (1, or DSP48E2_LATENCY in the primitive). */
  stages: number;
  /** The multiply is an instantiated DSP48E2 (dsp48e2.ts). */
  primitive: boolean;
}

export const NO_PACKING: DspPacking = {
  fields: 1,
  spacing: 0,
  canaryBits: 0,
  weightBits: 0,
  registerBits: 0,
  stages: 1,
  primitive: false,
};

/** Bits of a signed number that holds every value in [lo, hi]. */
function signedBits(lo: bigint, hi: bigint): number {
  let b = 1;
  while (lo < -(1n << BigInt(b - 1)) || hi >= 1n << BigInt(b - 1)) b++;
  return b;
}

/** Signed width of an element of this datatype. */
function operandBits(dt: DataType): number {
  return signedBits(minValue(dt), maxValue(dt));
}

/** Range of Σ v·2^(j·spacing) over j < k for v in [lo, hi]. */
function packedRange(lo: bigint, hi: bigint, spacing: number, k: number): { lo: bigint; hi: bigint } {
  let scale = 0n;
  for (let j = 0; j < k; j++) scale += 1n << BigInt(j * spacing);
  return { lo: lo * scale, hi: hi * scale };
}

/** Floor division of bigints by a power of two. */
function floorShift(v: bigint, n: number): bigint {
  return v >> BigInt(n); // BigInt >> rounds towards −∞
}

/** Range of the carry h(i) that fields 0..i spill into field i + 1. */
function carryRange(product: { lo: bigint; hi: bigint }, spacing: number, i: number) {
  const below = packedRange(product.lo, product.hi, spacing, i + 1);
  return { lo: floorShift(below.lo, (i + 1) * spacing), hi: floorShift(below.hi, (i + 1) * spacing) };
}

/** Fewest low bits that identify a carry in [lo, hi] (read back signed, or unsigned when lo ≥ 0). */
function canaryBitsFor(lo: bigint, hi: bigint): number {
  if (lo >= 0n) return Math.max(1, hi.toString(2).length);
  return signedBits(lo, hi);
}

/** The packing of one spacing: how many fields fit the wide port, and the canary width. */
function packingAt(
  product: { lo: bigint; hi: bigint },
  weightType: DataType,
  spacing: number,
  guarded: boolean,
  wide: number,
): DspPacking {
  let best = NO_PACKING;
  for (let k = 2; ; k++) {
    const w = packedRange(minValue(weightType), maxValue(weightType), spacing, k);
    // The packed weight is built as non-negative low parts minus the sign bits (packedWeight),
    // which also needs the top field's bits.
    const weightBits = Math.max(signedBits(w.lo, w.hi), (k - 1) * spacing + operandBits(weightType));
    if (weightBits > wide) return best;
    let canaryBits = 0;
    if (!guarded) {
      for (let i = 0; i + 1 < k; i++) {
        const h = carryRange(product, spacing, i);
        canaryBits = Math.max(canaryBits, canaryBitsFor(h.lo, h.hi));
      }
      // A field's canary bits must lie below the next field, and stay a few LUTs: wider ones
      // would rebuild the product in logic.
      if (canaryBits > Math.min(spacing, MAX_CANARY_BITS)) return best;
    }
    const packing = {
      fields: k,
      spacing,
      canaryBits,
      weightBits,
      registerBits: 0,
      stages: 1,
      primitive: false,
    };
    best = { ...packing, registerBits: productBits(packing, k, product) + (k - 1) * canaryBits };
  }
}

/** How many products of these datatypes one DSP multiplier can compute at once. */
export function dspPacking(inputType: DataType, weightType: DataType, ports: DspPorts = DSP48E2): DspPacking {
  const multiply = inputType.kind !== "BIPOLAR" && weightType.kind !== "BIPOLAR";
  if (!multiply || inputType.bits < 2 || weightType.bits < 2) return NO_PACKING;
  if (inputType.bits + weightType.bits < DSP_MIN_PRODUCT_BITS) return NO_PACKING;
  if (operandBits(inputType) > ports.narrow) return NO_PACKING;
  const product = worstCaseAccumulatorRange(inputType, weightType, 1); // one product
  const guardedSpacing = signedBits(product.lo, product.hi) + 1;
  let best = packingAt(product, weightType, guardedSpacing, true, ports.wide);
  // Overlapping fields only when they fit more products (their canaries cost logic).
  for (let spacing = guardedSpacing - 1; spacing >= 2; spacing--) {
    const overlapped = packingAt(product, weightType, spacing, false, ports.wide);
    if (overlapped.fields > best.fields) best = overlapped;
  }
  if (best.fields < 2) return NO_PACKING;
  const wideP = productBits(best, best.fields, product);
  if (!ports.primitive || best.weightBits > DSP48E2_WIDTHS.preAdder || wideP > DSP48E2_WIDTHS.p) return best;
  const stages = DSP48E2_LATENCY;
  return { ...best, primitive: true, stages, registerBits: stages * (best.fields - 1) * best.canaryBits };
}

/** Width of P that holds every field of a packing of `fields` products of [lo, hi]. */
function productBits(
  packing: Pick<DspPacking, "spacing" | "canaryBits">,
  fields: number,
  product: { lo: bigint; hi: bigint },
): number {
  const top = (fields - 1) * packing.spacing;
  if (packing.canaryBits === 0) return fields * packing.spacing;
  // The top field holds its product plus the carry from below.
  const h = carryRange(product, packing.spacing, fields - 2);
  return top + signedBits(product.lo + h.lo, product.hi + h.hi);
}

/**
 * Σ wj·2^(jS) as `plus` (the weights' low bits, side by side) − `minus` (their sign bits at the
 * sign's weight): two concatenations, non-negative and below 2^weightBits, for one subtraction,
 * the shape of the DSP48E2's pre-adder (D − A). Unsigned weights have no `minus`.
 */
function packedWeightParts(ws: readonly Expr[], packing: DspPacking): { plus: Expr; minus?: Expr } {
  const S = packing.spacing;
  const width = packing.weightBits;
  const bits = ws[0]!.width;
  const fieldOf = (parts: (j: number) => Expr | undefined, low: number) => {
    const pieces: Expr[] = [];
    let at = 0;
    ws.forEach((_, j) => {
      const piece = parts(j);
      if (!piece) return;
      const offset = j * S + low;
      if (offset > at) pieces.push(lit(0, UInt(offset - at)));
      pieces.push(piece);
      at = offset + piece.width;
    });
    if (width > at) pieces.push(lit(0, UInt(width - at)));
    return cat(...pieces.reverse());
  };
  if (!ws[0]!.signed) return { plus: fieldOf((j) => ws[j]!, 0) };
  return {
    plus: fieldOf((j) => (bits > 1 ? ws[j]!.bits(bits - 2, 0) : undefined), 0),
    minus: fieldOf((j) => ws[j]!.bit(bits - 1), bits - 1),
  };
}

/**
 * The packed weight times x, registered `packing.stages` times: an instantiated DSP48E2, or a
 * multiplication for synthesis to infer. The difference plus − minus, taken modulo
 * 2^weightBits, is the packed weight's two's-complement pattern (it fits: weightBits).
 */
function packedMultiply(
  name: string,
  x: Expr,
  ws: readonly Expr[],
  packing: DspPacking,
  width: number,
): Expr {
  const { plus, minus } = packedWeightParts(ws, packing);
  const xs = x.signed ? x : x.toSInt();
  if (packing.primitive) return dsp48e2Product(name, plus, minus, xs, width);
  const weight = (minus ? plus.sub(minus) : plus).asSInt();
  const p = reg(name, SInt(width)) as Signal;
  p.next(weight.mul(xs).trunc(width));
  return p;
}

/**
 * The products x·w for each weight in `ws` (element values, SInt or UInt as their datatypes
 * say), computed by one multiplication named `name`. Returns one SInt per weight, valid
 * `packing.stages` cycles after its operands.
 */
export function packedProducts(
  name: string,
  x: Expr,
  ws: readonly Expr[],
  inputType: DataType,
  weightType: DataType,
  packing: DspPacking,
): Expr[] {
  const S = packing.spacing;
  const k = ws.length;
  const product = worstCaseAccumulatorRange(inputType, weightType, 1);
  const width = productBits(packing, k, product);
  // |Σ wj·2^(jS)| < 2^(weightBits−1), so the packed weight and the product are exact.
  const p = packedMultiply(name, x, ws, packing, width);
  if (packing.canaryBits === 0) return guardedFields(p, k, S);
  // Each product's c low bits, from the operands' c low bits, registered beside P as long.
  const c = packing.canaryBits;
  const canaries = ws.slice(1).map((w, j) => {
    let r = lowProductBits(x, w, c);
    for (let stage = 1; stage <= packing.stages; stage++)
      r = regNext(`${name}_canary${j + 1}${stage > 1 ? `_d${stage}` : ""}`, r);
    return r;
  });
  // h(i), the carry of fields 0..i into field i + 1: P's c bits there minus that product's.
  const carries = canaries.map((canary, i) => {
    const at = (i + 1) * S;
    const h = p
      .bits(at + c - 1, at)
      .sub(canary)
      .named(`${name}_carry${i}`);
    return carryRange(product, S, i).lo < 0n ? h.asSInt() : h;
  });
  return ws.map((_, j) => {
    const field =
      j === k - 1
        ? p.bits(width - 1, j * S).asSInt()
        : cat(carries[j]!, p.bits(j * S + S - 1, j * S)).asSInt();
    const value = j === k - 1 || carries[j]!.signed ? field : field.asUInt().toSInt();
    return j === 0 ? value : withoutCarry(value, carries[j - 1]!);
  });
}

/**
 * value − h. A one-bit signed carry (−1 or 0) is added as its bit: Yosys then folds it into the
 * adder tree's carry chains, where a subtraction of its sign extension made ABC rebuild the
 * sums in wide LUTs (measured: twice the LUTs of a small 4-bit MVAU).
 */
function withoutCarry(value: Expr, h: Expr): Expr {
  if (h.signed && h.width === 1) return value.addw(h.asUInt().zext(2).asSInt());
  return value.subw(h.signed ? h : h.toSInt());
}

/** (x·w) mod 2^c for c ≤ MAX_CANARY_BITS (= 1: x₀·w₀; the low bit does not depend on the signs). */
function lowProductBits(x: Expr, w: Expr, c: number): Expr {
  if (c !== 1) throw new Error(`canaries of ${c} bits are not built`);
  return x.bit(0).and(w.bit(0));
}

/** Guarded fields: field j read as signed, plus the borrow of the signed fields below it. */
function guardedFields(p: Expr, k: number, S: number): Expr[] {
  return Array.from({ length: k }, (_, j) => {
    const field = p.bits(j * S + S - 1, j * S).asSInt();
    if (j === 0) return field;
    // The fields below j, taken together, are negative exactly when bit jS − 1 is set; they then
    // borrowed one from field j.
    return field.addw(
      p
        .bit(j * S - 1)
        .zext(2)
        .asSInt(),
    );
  });
}
