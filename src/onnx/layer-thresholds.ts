// Thresholds of every channel of one layer. The steps between the accumulator and the quantizer
// are element-wise, so one run of the chain on a (1, C) tensor evaluates each channel at its own
// accumulator. With a closed-form estimate of the thresholds (an affine chain into a Quant), the
// estimates and their two neighbours are evaluated for a block of channels in three runs per code,
// and fitThresholds confirms every threshold against these exact evaluations: the work grows with
// the number of thresholds, not with the accumulator range, and the result is the search's own.
import { checkActivationLevels } from "../core/datatypes.js";
import { fitThresholds } from "../streamline/monotone-thresholds.js";

export interface LayerChain {
  lo: bigint[];
  hi: bigint[];
  minCode: number;
  maxCode: number;
  /** The chain's outputs, channel c evaluated at accs[c]. */
  outputsAt: (accs: readonly bigint[]) => Float64Array;
  /** The code of channel c's output y (throws when y is off the grid). */
  codeOf: (y: number, c: number) => number;
  /**
   * Estimate of the smallest accumulator whose code of channel c is ≥ m, for a channel whose code
   * rises with the accumulator (a falling channel is fitted on −acc: the caller's estimate must
   * say so through `falling`). Undefined when there is no closed form.
   */
  guess?: (c: number, m: number, falling: boolean) => number | undefined;
}

export interface LayerFit {
  thresholds: bigint[][];
  /** Channels whose code falls with the accumulator: fitted on −acc (negate their weight row). */
  falling: boolean[];
  outBias: number;
}

/** Bytes of precomputed evaluations held at once (channels are taken in blocks within it). */
const PRECOMPUTE_BYTES = 1 << 26;
/** Cached all-channel runs of the fallback search (the search revisits points near each threshold). */
const FALLBACK_CACHE = 4096;

export function fitLayerThresholds(chain: LayerChain, onError: (c: number, err: Error) => Error): LayerFit {
  const { lo, hi, minCode, maxCode } = chain;
  const C = lo.length;
  const allAt = new Map<bigint, Float64Array>();
  // One point of channel c, with every channel at the same accumulator (as the search probes).
  const single = (acc: bigint, c: number) => {
    let y = allAt.get(acc);
    if (!y) {
      y = chain.outputsAt(Array(C).fill(acc));
      if (allAt.size > FALLBACK_CACHE) allAt.clear();
      allAt.set(acc, y);
    }
    return chain.codeOf(y[c]!, c);
  };
  const yLo = chain.outputsAt(lo);
  const yHi = chain.outputsAt(hi);
  const codeLo = lo.map((_, c) => chain.codeOf(yLo[c]!, c));
  const codeHi = hi.map((_, c) => chain.codeOf(yHi[c]!, c));
  const falling = codeLo.map((v, c) => v > codeHi[c]!);
  const levels = maxCode - minCode;
  // Refuse an activation wider than Loom's limit before searching 2^bits codes.
  try {
    checkActivationLevels(levels, "activation");
  } catch (err) {
    throw onError(0, err as Error);
  }
  const block = Math.max(1, Math.floor(PRECOMPUTE_BYTES / (24 * Math.max(1, levels))));
  const thresholds: bigint[][] = [];
  let outBias = minCode;
  for (let c0 = 0; c0 < C; c0 += block) {
    const channels = Array.from({ length: Math.min(block, C - c0) }, (_, i) => c0 + i);
    const known = chain.guess ? precompute(chain, channels, falling, codeLo, codeHi) : new Map();
    for (const c of channels) {
      const sign = falling[c] ? -1n : 1n;
      const [a, b] = falling[c] ? [-hi[c]!, -lo[c]!] : [lo[c]!, hi[c]!];
      const table = known.get(c);
      const f = (t: bigint) => table?.code(t) ?? single(sign * t, c);
      const guess = table ? (m: number) => table.threshold(m) : undefined;
      try {
        const fit = fitThresholds(f, a, b, minCode, maxCode, guess);
        thresholds.push(fit.thresholds);
        outBias = fit.outBias;
      } catch (err) {
        throw onError(c, err as Error);
      }
    }
  }
  return { thresholds, falling, outBias };
}

/** One channel's thresholds found in lockstep, and its exact codes at each T and T − 1. */
interface ChannelTable {
  threshold: (m: number) => bigint;
  code: (t: bigint) => number | undefined;
}

/** One channel's search for the threshold of one code: code(L) < m ≤ code(U). */
interface Search {
  c: number;
  L: number;
  U: number;
  codeL: number;
  codeU: number;
  /** Next probe while galloping out from the estimate; undefined once bisecting. */
  next?: number;
  step: number;
}

/**
 * Finds, code by code, the threshold of every channel of the block by a search run in lockstep:
 * each run of the chain probes every channel at its own point, starting at the channel's
 * estimate (then its neighbour, galloping out if the estimate is off, bisecting once bracketed).
 * An exact estimate costs two runs per code for the whole block. The codes at each threshold T
 * and T − 1 are kept for fitThresholds, which confirms them. Channels without an estimate, or
 * whose chain fails to evaluate, get no table and are searched point by point.
 */
function precompute(
  chain: LayerChain,
  channels: number[],
  falling: boolean[],
  codeLo: number[],
  codeHi: number[],
): Map<number, ChannelTable> {
  const { minCode, maxCode } = chain;
  const guess = chain.guess!;
  const usable = new Set(
    channels.filter((c) => {
      const t = guess(c, minCode + 1, falling[c]!);
      return t !== undefined && Number.isSafeInteger(t);
    }),
  );
  // Fitted coordinates: the accumulator is ±t, rising in t.
  const range = (c: number) =>
    falling[c]
      ? [-Number(chain.hi[c]!), -Number(chain.lo[c]!)]
      : [Number(chain.lo[c]!), Number(chain.hi[c]!)];
  const found = new Map(
    [...usable].map((c) => [c, { t: [] as number[], at: [] as number[], below: [] as number[] }]),
  );
  // Per channel, the last threshold found and the code just below it (the next search's floor).
  const floor = new Map(
    [...usable].map((c) => [c, { t: range(c)[0]!, code: falling[c] ? codeHi[c]! : codeLo[c]! }]),
  );
  const accs = [...chain.lo];
  for (let m = minCode + 1; m <= maxCode && usable.size > 0; m++) {
    const open: Search[] = [];
    for (const c of usable) {
      const [from, to] = falling[c] ? [codeHi[c]!, codeLo[c]!] : [codeLo[c]!, codeHi[c]!];
      if (m <= from || m > to) continue;
      const g = guess(c, m, falling[c]!);
      if (g === undefined || !Number.isSafeInteger(g)) {
        usable.delete(c);
        found.delete(c);
        continue;
      }
      const f = floor.get(c)!;
      open.push({ c, L: f.t, codeL: f.code, U: range(c)[1]!, codeU: to, next: g, step: 1 });
    }
    while (open.length > 0) {
      const probes = open.map((s) => {
        const p = s.next !== undefined && s.next > s.L && s.next < s.U ? s.next : undefined;
        if (p === undefined) s.next = undefined;
        return p ?? s.L + Math.floor((s.U - s.L) / 2);
      });
      open.forEach((s, i) => {
        accs[s.c] = BigInt(falling[s.c] ? -probes[i]! : probes[i]!);
      });
      const y = chain.outputsAt(accs);
      for (let i = open.length - 1; i >= 0; i--) {
        const s = open[i]!;
        const p = probes[i]!;
        let code: number;
        try {
          code = chain.codeOf(y[s.c]!, s.c);
        } catch {
          // Left to the point-by-point search, which reports it.
          usable.delete(s.c);
          found.delete(s.c);
          open.splice(i, 1);
          continue;
        }
        const up = code >= m;
        if (up) [s.U, s.codeU] = [p, code];
        else [s.L, s.codeL] = [p, code];
        if (s.next !== undefined) {
          // First the estimate's neighbour, then farther out in the same direction.
          const dir = up ? -1 : 1;
          s.next = p + dir * s.step;
          s.step *= 2;
        }
        if (s.U - s.L <= 1) {
          const row = found.get(s.c)!;
          row.t.push(s.U);
          row.at.push(s.codeU);
          row.below.push(s.codeL);
          floor.set(s.c, { t: s.L, code: s.codeL });
          open.splice(i, 1);
        }
      }
    }
  }
  const tables = new Map<number, ChannelTable>();
  for (const [c, row] of found) {
    // The channel's codes are searched from the one above its lowest on (codes it can cross).
    const first = (falling[c] ? codeHi[c]! : codeLo[c]!) + 1;
    tables.set(c, {
      threshold: (m) => BigInt(row.t[m - first] ?? 0),
      code: (t) => lookup(row, Number(t)),
    });
  }
  return tables;
}

/** The code at t, if t is a threshold found or the point just below one. */
function lookup(row: { t: number[]; at: number[]; below: number[] }, t: number): number | undefined {
  let a = 0;
  let b = row.t.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (row.t[mid]! < t) a = mid + 1;
    else b = mid;
  }
  if (row.t[a] === t) return row.at[a];
  if (row.t[a] === t + 1) return row.below[a];
  return undefined;
}
