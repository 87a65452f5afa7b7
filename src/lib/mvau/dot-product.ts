// One PE's share of an iteration, used inside the MVAU body: SIMD products of input and weight
// elements, then a pipelined adder tree. All sums are taken modulo 2^accWidth: every partial
// sum of a row's products lies in that row's range (each product's range contains 0), and the
// final sum fits, so wrapping never changes a result; growing widths are capped at accWidth.

import type { DataType } from "../../core/datatypes.js";
import { type Expr, lit, mux, reg, SInt, type Signal, UInt } from "../../dsl/index.js";

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
