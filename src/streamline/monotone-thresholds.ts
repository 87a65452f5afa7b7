// Exact streamlining core: any nondecreasing map from an integer accumulator to an integer output
// code equals a multi-threshold. Thresholds are found by binary search on the map itself, so the
// integer model agrees with the map on every accumulator value by construction, whatever
// floating-point rounding the map does internally (rounding is monotone, so the map stays monotone).

import { checkActivationLevels } from "../core/datatypes.js";

export interface ThresholdFit {
  /** Ascending; T[k] = smallest accumulator whose code is ≥ outBias + k + 1 (hi + 1 if never). */
  thresholds: bigint[];
  /** The code at the bottom of the accumulator range. */
  outBias: number;
}

/**
 * Fits thresholds for `map(acc)` over acc ∈ [lo, hi], where map is nondecreasing and takes
 * integer values in [minCode, maxCode]. `guess(target)`, if given, is a closed-form estimate of
 * the threshold of code `target` (for an affine activation); it saves the search when it holds.
 * Throws if the map is not monotone at a probed point.
 */
export function fitThresholds(
  map: (acc: bigint) => number,
  lo: bigint,
  hi: bigint,
  minCode: number,
  maxCode: number,
  guess?: (target: number) => bigint,
): ThresholdFit {
  if (hi < lo) throw new Error(`empty accumulator range [${lo}, ${hi}]`);
  // Each threshold is verified at t and t − 1, and checked again below: evaluate each point once.
  const seen = new Map<bigint, number>();
  const code = (acc: bigint) => {
    let v = seen.get(acc);
    if (v === undefined) {
      v = map(acc);
      if (seen.size >= 1 << 20) seen.clear();
      seen.set(acc, v);
    }
    return v;
  };
  const levels = maxCode - minCode;
  checkActivationLevels(levels, "activation");
  const thresholds: bigint[] = [];
  let searchLo = lo;
  let gap = 0n;
  // Codes the range cannot leave: below code(lo) every threshold is lo, above code(hi) every
  // threshold is hi + 1 ("never"). Only the reachable codes are searched, so the work grows with
  // the thresholds the accumulator range can actually cross.
  const codeLo = code(lo);
  const codeHi = code(hi);
  for (let k = 1; k <= levels; k++) {
    const target = minCode + k;
    if (target <= codeLo || target > codeHi) {
      thresholds.push(target <= codeLo ? lo : hi + 1n);
      if (target <= codeLo) searchLo = lo;
      continue;
    }
    // Thresholds of a (nearly) linear activation are (nearly) evenly spaced: try the previous
    // spacing and its neighbours first; the search below settles anything else.
    // A closed form (for an affine activation) predicts each threshold; the prediction is only
    // kept if the map itself confirms it (code(t) ≥ target > code(t − 1)).
    const predicted =
      (guess ? hitNear(code, target, guess(target), searchLo, hi) : undefined) ??
      (gap > 0n ? hitNear(code, target, searchLo + gap, searchLo, hi) : undefined);
    if (predicted !== undefined) {
      gap = predicted - searchLo;
      thresholds.push(predicted);
      searchLo = predicted;
      continue;
    }
    // Smallest acc in [searchLo, hi] with code(acc) >= target, or hi + 1. Consecutive
    // thresholds are usually close, so gallop up from the previous one to bracket it first.
    let a = searchLo;
    let b = hi + 1n;
    for (let step = 1n; a + step <= hi; step *= 2n) {
      if (code(a + step) >= target) {
        b = a + step;
        break;
      }
      a = a + step + 1n;
    }
    if (a > b) a = b;
    while (a < b) {
      const mid = a + ((b - a) >> 1n);
      if (code(mid) >= target) b = mid;
      else a = mid + 1n;
    }
    if (k > 1) gap = a - searchLo;
    thresholds.push(a);
    searchLo = a;
  }
  checkMonotoneSamples(code, lo, hi, minCode, thresholds);
  return { thresholds, outBias: minCode };
}

/** The smallest acc in [lo, hi] with code ≥ target, if it is within one of `guess`. */
function hitNear(
  code: (acc: bigint) => number,
  target: number,
  guess: bigint,
  lo: bigint,
  hi: bigint,
): bigint | undefined {
  for (const t of [guess, guess - 1n, guess + 1n]) {
    if (t <= lo || t > hi) continue;
    if (code(t) >= target && code(t - 1n) < target) return t;
  }
  return undefined;
}

/** Spot-checks the fit at every threshold and its left neighbour: a non-monotone map fails here. */
function checkMonotoneSamples(
  code: (acc: bigint) => number,
  lo: bigint,
  hi: bigint,
  minCode: number,
  thresholds: bigint[],
): void {
  // Count of thresholds ≤ acc by binary search (thresholds ascend): a linear count per probe
  // made 16-bit outputs quadratic (65535² steps per channel).
  const predicted = (acc: bigint) => {
    let a = 0;
    let b = thresholds.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (thresholds[mid]! <= acc) a = mid + 1;
      else b = mid;
    }
    return minCode + a;
  };
  const probes = new Set<bigint>([lo, hi]);
  for (const t of thresholds) {
    if (t >= lo && t <= hi) probes.add(t);
    if (t - 1n >= lo && t - 1n <= hi) probes.add(t - 1n);
  }
  for (const acc of probes) {
    const want = code(acc);
    if (want !== predicted(acc)) {
      throw new Error(
        `activation is not monotone in the accumulator near ${acc} (code ${want}, thresholds give ${predicted(acc)})`,
      );
    }
  }
}
