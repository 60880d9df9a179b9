/**
 * Train/test splits that keep groups together (both members of a contrastive pair always fall
 * in the same fold) and stratify by label, seeded and deterministic.
 */
import { type Rng, shuffleInPlace } from "./rng";

export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

export type SplitConfig = { kind: "fraction"; trainFraction: number } | { kind: "kfold"; k: number };

/**
 * @param groups group id of each example (a pair index, or the example's own index)
 * @param strata label used for stratification of each group's first member
 */
export function makeFolds(groups: ArrayLike<number>, strata: ArrayLike<number>, split: SplitConfig, rng: Rng): Fold[] {
  const n = groups.length;
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    const list = members.get(g);
    if (list) list.push(i);
    else members.set(g, [i]);
  }
  const groupIds = [...members.keys()].sort((a, b) => a - b);
  const byStratum = new Map<number, number[]>();
  for (const g of groupIds) {
    const s = strata[members.get(g)![0]!]!;
    const list = byStratum.get(s);
    if (list) list.push(g);
    else byStratum.set(s, [g]);
  }
  const strataKeys = [...byStratum.keys()].sort((a, b) => a - b);
  const k = split.kind === "kfold" ? split.k : 1;
  const foldOfGroup = new Map<number, number>();
  let offset = 0;
  for (const s of strataKeys) {
    const list = shuffleInPlace([...byStratum.get(s)!], rng);
    if (split.kind === "kfold") {
      list.forEach((g, t) => foldOfGroup.set(g, (t + offset) % k));
      offset += list.length;
    } else {
      const nTest = Math.max(1, Math.min(list.length - 1, Math.round(list.length * (1 - split.trainFraction))));
      list.forEach((g, t) => foldOfGroup.set(g, t < nTest ? 0 : -1));
    }
  }
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (foldOfGroup.get(groups[i]!) === f ? test : train).push(i);
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return folds;
}
