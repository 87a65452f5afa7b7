// One PE's share of an iteration, used inside the MVAU body: SIMD products of input and weight
// elements, then a pipelined adder tree. All sums are taken modulo 2^accWidth: every partial
// sum of a row's products lies in that row's range (each product's range contains 0), and the
// final sum fits, so wrapping never changes a result; growing widths are capped at accWidth.

import type { DataType } from "../../core/datatypes.js";
import { cat, type Expr, lit, mux, reg, SInt, type Signal, UInt } from "../../dsl/index.js";

/** Element i of a packed word (bits [(i+1)·w−1 : i·w]). */
export function element(word: Expr, i: number, bits: number): Expr {
  return word.bits((i + 1) * bits - 1, i * bits);
}

/** The integer an element's bits stand for (not for BIPOLAR, which is handled by the product). */
export function elementValue(bits: Expr, dt: DataType): Expr {
  return dt.kind === "INT" ? bits.asSInt() : bits;
}

/** Negation without overflow (−(−2^(n−1)) needs n+1 bits). */
function negate(v: Expr): Expr {
  return lit(0, SInt(v.width + 1)).sub(v);
}

/** True when products are signed numbers (a popcount and UINT × UINT products are not). */
export function productsSigned(inDt: DataType, wDt: DataType): boolean {
  if (inDt.kind === "BIPOLAR" && wDt.kind === "BIPOLAR") return false;
  return inDt.kind === "INT" || wDt.kind === "INT" || inDt.kind === "BIPOLAR" || wDt.kind === "BIPOLAR";
}

/**
 * Widths of the two operands of the multiply `product` builds (a ±1 side is a select, not a
 * multiply: undefined): UINT × UINT as they are; otherwise both signed, so an unsigned side
 * gains a zero sign bit (\`toSInt\`). Synthesis sees these widths, not the datatypes' bits:
 * UINT2 × INT8 is a 3 × 8-bit signed multiply with an 11-bit product.
 */
export function multiplyOperandBits(inDt: DataType, wDt: DataType): [number, number] | undefined {
  if (inDt.kind === "BIPOLAR" || wDt.kind === "BIPOLAR") return undefined;
  if (inDt.kind !== "INT" && wDt.kind !== "INT") return [inDt.bits, wDt.bits];
  const signedBits = (dt: DataType) => (dt.kind === "INT" ? dt.bits : dt.bits + 1);
  return [signedBits(inDt), signedBits(wDt)];
}

/** x·w for one lane: XNOR for ±1 × ±1, a sign select when one side is ±1, a multiply otherwise. */
export function product(x: Expr, w: Expr, inDt: DataType, wDt: DataType): Expr {
  if (inDt.kind === "BIPOLAR" && wDt.kind === "BIPOLAR") return x.xor(w).not();
  if (inDt.kind === "BIPOLAR") {
    const wv = elementValue(w, wDt).toSInt();
    return mux(x, wv, negate(wv));
  }
  if (wDt.kind === "BIPOLAR") {
    const xv = elementValue(x, inDt).toSInt();
    return mux(w, xv, negate(xv));
  }
  const xv = elementValue(x, inDt);
  const wv = elementValue(w, wDt);
  if (!xv.signed && !wv.signed) return xv.mul(wv);
  return xv.toSInt().mul(wv.toSInt());
}

/**
 * x·w like `product`, but a multiplication is built from logic: for each bit of the narrower
 * operand, the wider one or zero is added in at that bit's weight (the sign bit of a signed
 * operand weighs −2^(n−1), so its row is subtracted). Bits below a row's weight are final once
 * it is added, so each adder is only as wide as the operand plus one, as in an array
 * multiplier. Synthesis sees adders, not a multiply, so the product never goes to a DSP slice.
 * Same value and width as `product`.
 */
export function lutProduct(x: Expr, w: Expr, inDt: DataType, wDt: DataType): Expr {
  if (inDt.kind === "BIPOLAR" || wDt.kind === "BIPOLAR") return product(x, w, inDt, wDt);
  let a = elementValue(x, inDt);
  let b = elementValue(w, wDt);
  const signed = a.signed || b.signed;
  if (signed) {
    a = a.signed ? a : a.toSInt();
    b = b.signed ? b : b.toSInt();
  }
  // Fewer, wider rows: one per bit of the narrower operand.
  if (b.width > a.width) [a, b] = [b, a];
  const width = a.width + b.width;
  const zero = lit(0, signed ? SInt(a.width) : UInt(a.width));
  const row = (i: number) => mux(b.bit(i), a, zero);
  // The product is high·2^i + (the final bits below i, `low`, least significant first).
  let high = row(0);
  const low: Expr[] = [];
  for (let i = 1; i < b.width; i++) {
    low.push(high.bit(0));
    const rest = high.shr(1);
    high = signed && i === b.width - 1 ? rest.subw(row(i)) : rest.addw(row(i));
  }
  const bits = cat(high, ...low.reverse());
  const full = bits.width < width ? bits.pad(width) : bits.trunc(width);
  return signed ? full.asSInt() : full;
}

/** Fits a value to at most `width` bits (wrapping; see the header for why that is safe). */
export function cap(v: Expr, width: number): Expr {
  return v.width > width ? v.trunc(width) : v;
}

/**
 * Sums `values` with a balanced tree, registering the partial sums after every
 * `levelsPerStage` levels and after the last level. Returns the sum (a register, or the single
 * input when there is nothing to add).
 */
export function adderTree(
  name: string,
  values: readonly Expr[],
  accWidth: number,
  levelsPerStage: number,
): Expr {
  let level = values.map((v) => cap(v, accWidth));
  let depth = 0;
  while (level.length > 1) {
    const next: Expr[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(cap(level[i]!.addw(level[i + 1]!), accWidth));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
    depth++;
    if (depth % levelsPerStage === 0 || level.length === 1) {
      level = level.map((v, i) => {
        const r = reg(`${name}_l${depth}_${i}`, v.signed ? SInt(v.width) : UInt(v.width)) as Signal;
        r.next(v);
        return r;
      });
    }
  }
  return level[0]!;
}
