// Several PEs' products in one DSP multiplier. The PEs of an MVAU multiply the same input
// element by different weights, so k weights can share one multiplication:
//
//   x · (w0 + w1·2^S + … + w(k−1)·2^((k−1)S))  =  x·w0 + (x·w1)·2^S + …
//
// With the field spacing S one bit wider than a product needs, every field is recovered exactly
// from the single wide product P: field j is P's bits [jS + S − 1 : jS], read as signed, plus the
// borrow that the signed fields below it left behind, which is bit jS − 1 of P (the sign of
// everything below). Xilinx's DSP48E2 multiplies 27 × 18 bits (the 7-series DSP48E1 25 × 18), so
// the packed weight must fit the wide port and the input the narrow one (the idea of Xilinx
// WP486, "Deep learning with INT8 on Xilinx devices").

import { worstCaseAccumulatorRange } from "../../core/accumulator.js";
import { type DataType, maxValue, minValue } from "../../core/datatypes.js";
import { type Expr, reg, SInt, type Signal } from "../../dsl/index.js";

/** Signed operand widths of a DSP slice's multiplier. */
export interface DspPorts {
  wide: number;
  narrow: number;
}

/** UltraScale(+) DSP48E2: 27 × 18. */
export const DSP48E2: DspPorts = { wide: 27, narrow: 18 };
/** 7-series DSP48E1: 25 × 18 (two 8 × 8-bit products do not fit: they need 26 bits). */
export const DSP48E1: DspPorts = { wide: 25, narrow: 18 };
/** Products narrower than this stay in LUTs in synthesis, so packing them would add DSPs. */
export const DSP_MIN_PRODUCT_BITS = 8;

export interface DspPacking {
  /** Products per multiplier (1 = no packing). */
  fields: number;
  /** Bit distance between fields: a product's signed width plus one guard bit. */
  spacing: number;
}

export const NO_PACKING: DspPacking = { fields: 1, spacing: 0 };

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

/** How many products of these datatypes one DSP multiplier can compute at once. */
export function dspPacking(inputType: DataType, weightType: DataType, ports: DspPorts = DSP48E2): DspPacking {
  const multiply = inputType.kind !== "BIPOLAR" && weightType.kind !== "BIPOLAR";
  if (!multiply || inputType.bits < 2 || weightType.bits < 2) return NO_PACKING;
  if (inputType.bits + weightType.bits < DSP_MIN_PRODUCT_BITS) return NO_PACKING;
  const { lo, hi } = worstCaseAccumulatorRange(inputType, weightType, 1); // one product
  const spacing = signedBits(lo, hi) + 1;
  if (operandBits(inputType) > ports.narrow) return NO_PACKING;
  // The packed weight Σ wj·2^(jS) needs (k−1)·S + (weight bits) + 1 signed bits.
  const room = ports.wide - operandBits(weightType) - 1;
  const fields = 1 + Math.floor(room / spacing);
  return fields >= 2 ? { fields, spacing } : NO_PACKING;
}

/** Width of the packed weight operand for `fields` weights. */
export function packedWeightBits(weightType: DataType, packing: DspPacking, fields: number): number {
  return (fields - 1) * packing.spacing + operandBits(weightType) + 1;
}

/**
 * The products x·w for each weight in `ws` (element values, SInt or UInt as their datatypes
 * say), computed by one registered multiplication named `name`. Returns one SInt per weight,
 * valid the cycle after its operands, like a registered plain product.
 */
export function packedProducts(
  name: string,
  x: Expr,
  ws: readonly Expr[],
  weightType: DataType,
  packing: DspPacking,
): Expr[] {
  const S = packing.spacing;
  const k = ws.length;
  const width = packedWeightBits(weightType, packing, k);
  // |Σ wj·2^(jS)| < 2^(width−1), so the wrapping sum is exact.
  const packedWeight = ws
    .map((w, j) =>
      w
        .toSInt()
        .shl(j * S)
        .pad(width),
    )
    .reduce((sum, t) => sum.add(t));
  // Only the k fields are kept: the bits above them carry nothing.
  const product = packedWeight.mul(x.toSInt()).trunc(k * S);
  const p = reg(name, SInt(k * S)) as Signal;
  p.next(product);
  return ws.map((_, j) => {
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
