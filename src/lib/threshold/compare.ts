// Multi-threshold hardware, used inside a module body. Two structures (search.ts decides):
// `parallel`, one register stage of comparisons (value ≥ T[i] for every i) whose count plus the
// output bias is the output, combinationally; and `binary`, a pipelined binary search with one
// register stage per output bit (`binarySearch`).

import { bitsFor } from "../../core/bits.js";
import type { DataType } from "../../core/datatypes.js";
import { type MemoryStyle, memoryStyle } from "../../core/memory-style.js";
import {
  cat,
  type Expr,
  type GroundType,
  lit,
  reg,
  regNext,
  rom,
  SInt,
  type Signal,
  select,
  UInt,
} from "../../dsl/index.js";
import { resolveSearch, searchStages } from "./search.js";
import { type CheckedThresholds, clip } from "./spec.js";

/** The structure a checked spec gets with `folds` folds (thresholds in memories or constants). */
export function searchFor(spec: CheckedThresholds, folds: number): "parallel" | "binary" {
  return resolveSearch(spec.search, spec.count, !spec.global && folds > 1);
}

/** How a value and its thresholds are compared: same signedness, `width` bits. */
export interface Comparator {
  signed: boolean;
  width: number;
}

/** The comparator for values of `valueWidth` bits (of `signed`) in [lo, hi]. */
export function comparatorFor(signed: boolean, valueWidth: number, lo: bigint, hi: bigint): Comparator {
  // hi + 1 ("never counts") must be representable too; a signed comparator keeps a sign bit.
  const top = hi + 1n;
  return { signed, width: Math.max(valueWidth, bitsFor(signed && lo >= 0n ? -1n : lo, top)) };
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
    const width = spec.count * cmp.width;
    const style = memoryStyle({ use: "table", depth: folds, width, choice: spec.thresholdMemory });
    const mem = rom(`${name}_${l}`, UInt(width), words, { style });
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
  const ge = reg(`${name}_ge`, UInt(thresholds.length)) as Signal;
  ge.next(cat(...thresholds.map((t) => compareWith(v, t, type, range)).reverse()));
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

/** Where a binary search's value, fold and valid bit come from (see `binarySearch`). */
export interface SearchInput {
  /** Lane l's value in the cycle its item is at stage 0 (a thunk: built only if compared). */
  value: (lane: number) => Expr;
  /** High in the cycle an item is at stage 0. */
  valid: Expr;
  /** The item's fold in the cycle it is at stage 0 (a thunk: only threshold memories use it). */
  fold: () => Expr;
  /**
   * The fold one cycle before stage 0 and a bit that is high then: needed when stage 0 has a
   * block-RAM table (`searchTableStyle`), whose read is synchronous.
   */
  early?: { fold: () => Expr; enable: Expr };
}

/** Tables of at most this many constants become a multiplexer instead of a ROM. */
const SELECT_MAX = 4;

/**
 * The memory stage k's tables use, or undefined when they need none (one word: a constant;
 * up to SELECT_MAX words of global thresholds: a multiplexer of constants). A lane whose table
 * holds one value only also gets a constant.
 */
export function searchTableStyle(
  spec: CheckedThresholds,
  folds: number,
  width: number,
  k: number,
): MemoryStyle | undefined {
  const tableFolds = spec.global ? 1 : folds;
  const words = tableFolds * 2 ** k;
  if (words === 1 || (tableFolds === 1 && words <= SELECT_MAX)) return undefined;
  return memoryStyle({ use: "table", depth: words, width, choice: spec.thresholdMemory });
}

/**
 * count = #{i : x ≥ T[i]} by a pipelined binary search over the ascending thresholds. With
 * B = ⌈log2(N + 1)⌉ the row is padded to 2^B − 1 entries with hi + 1 (never counts); stage k
 * (step s = 2^(B−1−k)) compares x with T[idx + s − 1] and adds s to idx when x reaches it.
 * Before stage k only idx's top k bits can be set, so stage k's table holds, per fold, the 2^k
 * entries T[j·2s + s − 1] (j = those k bits, the count's bits found so far) at address
 * {fold, j}: depth folds·2^k, one comparator width wide. Each stage is one register stage
 * carrying the value, the fold, the bits found and the valid bit; after B stages those bits are
 * the count. A table of one word (a single fold or global thresholds, stage 0) is a constant, a
 * few constants are a multiplexer, the rest ROMs: LUT ROMs read combinationally from the
 * stage's registers, or block RAM (`memoryPlacement`) read synchronously one cycle earlier, its
 * address computed from the previous stage's comparison. Returns each lane's encoded output
 * (count + outBias) and the valid bit, B register stages after stage 0.
 */
export function binarySearch(
  name: string,
  spec: CheckedThresholds,
  lanes: number,
  folds: number,
  cmp: Comparator,
  range: { lo: bigint; hi: bigint },
  input: SearchInput,
): { outputs: Expr[]; valid: Expr } {
  const { lo, hi } = range;
  const stages = searchStages(spec.count);
  const type = cmp.signed ? SInt(cmp.width) : UInt(cmp.width);
  const tableFolds = spec.global ? 1 : folds;
  // Channel c = fold·lanes + lane (rows are interleaved over the lanes).
  const rowOf = (fold: number, lane: number) => spec.rows[spec.global ? 0 : fold * lanes + lane]!;
  const entry = (row: readonly bigint[], k: number, j: number): bigint => {
    const s = 2 ** (stages - 1 - k);
    const i = j * 2 * s + s - 1;
    return i < row.length ? clip(row[i]!, lo, hi) : hi + 1n;
  };

  // Shared by the lanes: valid and (only where a table needs it) fold, one register per stage.
  const valids: Expr[] = [input.valid];
  for (let k = 1; k <= stages; k++) valids.push(regNext(`${name}_valid${k}`, valids[k - 1]!, 0));
  const foldRegs: Expr[] = [];
  const foldAt = (k: number): Expr =>
    (foldRegs[k] ??= k === 0 ? input.fold() : regNext(`${name}_fold${k}`, foldAt(k - 1)));
  const literals = new Map<bigint, Expr>();
  const constant = (t: bigint) => {
    let e = literals.get(t);
    if (!e) literals.set(t, (e = lit(t, type)));
    return e;
  };

  const outputs = Array.from({ length: lanes }, (_, lane) => {
    const values: Expr[] = [];
    const valueAt = (k: number): Expr =>
      (values[k] ??= k === 0 ? input.value(lane) : regNext(`${name}_${lane}_x${k}`, valueAt(k - 1)));
    let found: Expr | undefined; // the count's top k bits (register), none before stage 0
    let foundNext: Expr | undefined; // what `found` loads (for a synchronous read's address)
    for (let k = 0; k < stages; k++) {
      const words = Array.from({ length: tableFolds }, (_, f) =>
        Array.from({ length: 2 ** k }, (_, j) => entry(rowOf(f, lane), k, j)),
      ).flat();
      let t: Expr | bigint;
      const style = searchTableStyle(spec, folds, cmp.width, k);
      if (words.every((w) => w === words[0])) t = words[0]!;
      else if (!style) t = select(found!, words.map(constant));
      else {
        if (style === "block" && k === 0 && !input.early)
          throw new Error("internal: a block-RAM table at stage 0 needs the fold a cycle early");
        const table = rom(
          `${name}_${lane}_t${k}`,
          UInt(cmp.width),
          words.map((w) => BigInt.asUintN(cmp.width, w)),
          { style },
        );
        // Address {fold, j}: the fold only when the table has several.
        const address = (fold: () => Expr, j: Expr | undefined): Expr =>
          tableFolds === 1 ? j! : j ? cat(fold(), j) : fold();
        const data =
          style === "block"
            ? k === 0
              ? table.read(input.early!.fold(), input.early!.enable)
              : table.read(
                  address(() => foldAt(k - 1), foundNext),
                  valids[k - 1]!,
                )
            : table.readAsync(address(() => foldAt(k), found));
        t = cmp.signed ? data.asSInt() : data;
      }
      const ge = compareWith(() => valueAt(k).pad(cmp.width), t, type, range);
      foundNext = found ? cat(found, ge) : ge;
      found = regNext(`${name}_${lane}_count${k + 1}`, foundNext);
    }
    return encodeCount(found!, spec.outType, spec.outBias);
  });
  return { outputs, valid: valids[stages]! };
}

/** value ≥ t; a constant t at or below the range always counts, one above it never does. */
function compareWith(
  value: () => Expr,
  t: Expr | bigint,
  type: GroundType,
  range: { lo: bigint; hi: bigint },
): Expr {
  if (typeof t !== "bigint") return value().ge(t);
  if (t <= range.lo) return lit(1, UInt(1));
  if (t > range.hi) return lit(0, UInt(1));
  return value().ge(lit(t, type));
}
