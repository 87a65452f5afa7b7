// Binary classification metrics with class 1 (PNEUMONIA) as the positive class.

export interface BinaryMetrics {
  n: number;
  accuracy: number;
  /** True-positive rate: recall of class 1. */
  sensitivity: number;
  /** True-negative rate: recall of class 0. */
  specificity: number;
  balancedAccuracy: number;
  /** Area under the ROC curve of the score s1 − s0 (ties count one half). */
  auc: number;
  /** confusion[true][predicted]. */
  confusion: [[number, number], [number, number]];
}

export function binaryMetrics(
  labels: ArrayLike<number>,
  preds: ArrayLike<number>,
  scores: ArrayLike<number>,
): BinaryMetrics {
  const confusion: [[number, number], [number, number]] = [
    [0, 0],
    [0, 0],
  ];
  for (let i = 0; i < labels.length; i++) confusion[labels[i]!]![preds[i]!]!++;
  const [[tn, fp], [fn, tp]] = confusion;
  const n = labels.length;
  const sensitivity = tp + fn ? tp / (tp + fn) : 0;
  const specificity = tn + fp ? tn / (tn + fp) : 0;
  return {
    n,
    accuracy: n ? (tp + tn) / n : 0,
    sensitivity,
    specificity,
    balancedAccuracy: (sensitivity + specificity) / 2,
    auc: rocAuc(labels, scores),
    confusion,
  };
}

/** Mann–Whitney estimate of P(score of a positive > score of a negative). */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const idx = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && scores[idx[j]!] === scores[idx[i]!]) j++;
    const midRank = (i + 1 + j) / 2; // average 1-based rank of the tie block
    for (let k = i; k < j; k++) {
      if (labels[idx[k]!] === 1) {
        pos++;
        rankSum += midRank;
      }
    }
    i = j;
  }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
