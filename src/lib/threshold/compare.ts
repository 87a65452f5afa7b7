// Multi-threshold hardware, used inside a module body: one register stage of comparisons
// (value ≥ T[i]), then the count of true comparisons plus the output bias, combinationally.
import { cat, type Expr, lit, reg, rom, SInt, type Signal, UInt } from "../../dsl/index.js";
import type { DataType } from "../../nn/datatypes.js";
import { type CheckedThresholds, clip } from "./spec.js";

/** How a value and its thresholds are compared: same signedness, `width` bits. */
export interface Comparator {
  signed: boolean;
  width: number;
}

/** The comparator for values of `valueWidth` bits (of `signed`) in [lo, hi]. */
export function comparatorFor(signed: boolean, valueWidth: number, lo: bigint, hi: bigint): Comparator {
  const top = hi + 1n;
  if (!signed) return { signed, width: Math.max(valueWidth, top.toString(2).length) };
  let w = valueWidth;
  while (lo < -(1n << BigInt(w - 1)) || top > (1n << BigInt(w - 1)) - 1n) w++;
  return { signed, width: w };
}

/** Thresholds of one channel packed into a word (threshold i at bits [(i+1)·w−1 : i·w]). */
export function packThresholds(row: readonly bigint[], cmp: Comparator, lo: bigint, hi: bigint): bigint {
  let word = 0n;
  row.forEach((t, i) => {
    word |= BigInt.asUintN(cmp.width, clip(t, lo, hi)) << BigInt(i * cmp.width);
  });
  return word;
}

/** Splits a packed threshold word into comparator-typed values. */
export function unpackThresholds(word: Expr, count: number, cmp: Comparator): Expr[] {
  return Array.from({ length: count }, (_, i) => {
    const bits = word.bits((i + 1) * cmp.width - 1, i * cmp.width);
    return cmp.signed ? bits.asSInt() : bits;
  });
}

/** A threshold: hardware (from a memory) or a constant known at elaboration, already clipped. */
export type Threshold = Expr | bigint;

/** Constant thresholds, for global rows or a single neuron fold (no memory needed). */
export function constantThresholds(row: readonly bigint[], lo: bigint, hi: bigint): bigint[] {
  return row.map((v) => clip(v, lo, hi));
}

/**
 * Per-lane threshold sources. Global thresholds and a single fold are constants; otherwise each
 * lane has a ROM of `folds` words read at `addr` (data valid the cycle after `enable`).
 */
export function thresholdSource(
  name: string,
  spec: CheckedThresholds,
  lanes: number,
  folds: number,
  cmp: Comparator,
  range: { lo: bigint; hi: bigint },
  /** The fold to read (a thunk, so no address logic is built when no memory needs it). */
  addr: () => Expr,
  enable: Expr,
): Threshold[][] {
  const { lo, hi } = range;
  if (spec.global) {
    const row = constantThresholds(spec.rows[0]!, lo, hi);
    return Array.from({ length: lanes }, () => row);
  }
  // Channel c = fold·lanes + lane (rows are interleaved over the lanes).
  const rowOf = (fold: number, lane: number) => spec.rows[fold * lanes + lane]!;
  if (folds === 1) return Array.from({ length: lanes }, (_, l) => constantThresholds(rowOf(0, l), lo, hi));
  return Array.from({ length: lanes }, (_, l) => {
    const words = Array.from({ length: folds }, (_, f) => packThresholds(rowOf(f, l), cmp, lo, hi));
    const mem = rom(`${name}_${l}`, UInt(spec.count * cmp.width), words);
    return unpackThresholds(mem.read(addr(), enable), spec.count, cmp);
  });
}

/** Number of ones in `bits`, by a balanced adder tree (the result is just wide enough). */
export function popcount(bits: Expr): Expr {
  let level: Expr[] = Array.from({ length: bits.width }, (_, i) => bits.bit(i));
  while (level.length > 1) {
    const next: Expr[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(level[i]!.addw(level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

/**
 * Registers value ≥ T[i] for every threshold (one pipeline stage) and returns the encoded
 * output computed from the registered bits: count + outBias in the output type's bits. A
 * constant threshold at or below the value range always counts and one above it never does,
 * so those comparisons are constants (no comparator, and no always-true unsigned compare).
 */
export function thresholdStage(
  name: string,
  /** The compared value; a thunk, so no logic is built for it when every comparison is constant. */
  value: () => Expr,
  thresholds: readonly Threshold[],
  cmp: Comparator,
  spec: CheckedThresholds,
  range: { lo: bigint; hi: bigint },
): Expr {
  let padded: Expr | undefined;
  const v = () => (padded ??= value().pad(cmp.width));
  const type = cmp.signed ? SInt(cmp.width) : UInt(cmp.width);
  const compare = (t: Threshold): Expr => {
    if (typeof t !== "bigint") return v().ge(t);
    if (t <= range.lo) return lit(1, UInt(1));
    if (t > range.hi) return lit(0, UInt(1));
    return v().ge(lit(t, type));
  };
  const ge = reg(`${name}_ge`, UInt(thresholds.length)) as Signal;
  ge.next(cat(...thresholds.map(compare).reverse()));
  return encodeCount(popcount(ge), spec.outType, spec.outBias);
}

/** count + outBias as the output type's bit pattern (BIPOLAR: the single comparison bit). */
export function encodeCount(count: Expr, outType: DataType, outBias: bigint): Expr {
  if (outType.kind === "BIPOLAR") return count.trunc(1);
  const w = outType.bits;
  const c = count.width > w ? count.trunc(w) : count.zext(w);
  if (outBias === 0n) return c;
  // Two's complement addition wraps to the right pattern because count + outBias fits the type.
  return c.add(lit(BigInt.asUintN(w, outBias), UInt(w)));
}
