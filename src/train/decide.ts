// The decision rule, fixed before looking at any test data: predict class 1 when
// s1 − s0 > t, with the integer margin t chosen on validation to maximize balanced accuracy
// (mean of sensitivity and specificity). Balanced accuracy does not reward copying the
// training prevalence (74% PNEUMONIA), which differs from the test prevalence (62.5%).
// Adding t to class 0's integer bias makes the hardware's arg-max apply exactly this rule.

export interface MarginChoice {
  margin: number;
  balancedAccuracy: number;
}

export function chooseMargin(labels: ArrayLike<number>, diff: ArrayLike<number>): MarginChoice {
  const values = [...new Set(Array.from(diff))].sort((a, b) => a - b);
  const pos = Array.from(labels).filter((y) => y === 1).length;
  const neg = labels.length - pos;
  // Candidate t = values[i] − 1 … each interval between distinct values behaves the same on
  // validation, so t is put in the middle of the best interval.
  const candidates = [values[0]! - 1, ...values];
  let best: MarginChoice = { margin: 0, balancedAccuracy: -1 };
  for (let k = 0; k < candidates.length; k++) {
    const t = candidates[k]!;
    let tp = 0;
    let tn = 0;
    for (let i = 0; i < labels.length; i++) {
      const p = diff[i]! > t ? 1 : 0;
      if (p === 1 && labels[i] === 1) tp++;
      if (p === 0 && labels[i] === 0) tn++;
    }
    const bal = ((pos ? tp / pos : 0) + (neg ? tn / neg : 0)) / 2;
    const next = k + 1 < candidates.length ? candidates[k + 1]! : t + 1;
    const mid = Math.floor((t + next - 1) / 2);
    if (
      bal > best.balancedAccuracy + 1e-12 ||
      (Math.abs(bal - best.balancedAccuracy) <= 1e-12 && Math.abs(mid) < Math.abs(best.margin))
    ) {
      best = { margin: mid, balancedAccuracy: bal };
    }
  }
  return best;
}
