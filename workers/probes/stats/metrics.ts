/** Classification and separation statistics. */

/**
 * Area under the ROC curve for scores with binary labels (1 = positive), by the Mann–Whitney
 * statistic with ties counted as one half. Returns 0.5 when either class is empty.
 */
export function auroc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]! || a - b);
  let nPos = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) nPos++;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return 0.5;
  let rankSumPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (labels[idx[t]!] === 1) rankSumPos += avgRank;
    i = j + 1;
  }
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Fraction of correct predictions where prediction is score > threshold → 1. */
export function accuracy(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold = 0): number {
  if (scores.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < scores.length; i++) if ((scores[i]! > threshold ? 1 : 0) === labels[i]) ok++;
  return ok / scores.length;
}

/** Cohen's d of scores between label 1 and label 0 (other labels ignored), with the pooled (n−1) standard deviation. */
export function cohensD(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let n1 = 0, n0 = 0, s1 = 0, s0 = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] === 1) { n1++; s1 += scores[i]!; } else if (labels[i] === 0) { n0++; s0 += scores[i]!; }
  }
  if (n1 < 2 || n0 < 2) return 0;
  const m1 = s1 / n1;
  const m0 = s0 / n0;
  let v1 = 0, v0 = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] === 1) v1 += (scores[i]! - m1) ** 2;
    else if (labels[i] === 0) v0 += (scores[i]! - m0) ** 2;
  }
  const pooled = Math.sqrt((v1 + v0) / (n1 + n0 - 2));
  if (pooled === 0) return m1 === m0 ? 0 : Math.sign(m1 - m0) * 1e6;
  return (m1 - m0) / pooled;
}

/** Accuracy of always predicting the majority class. */
export function majorityRate(labels: ArrayLike<number>): number {
  let ones = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) ones++;
  return labels.length === 0 ? 0 : Math.max(ones, labels.length - ones) / labels.length;
}

export function meanOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}
