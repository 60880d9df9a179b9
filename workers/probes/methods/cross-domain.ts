/**
 * crossDomain: directions learned on one domain tag tested on another. Per layer and ordered pair
 * of domains (A → B): the cosine between A's and B's directions, and the transfer accuracy/AUROC of
 * a classifier trained on all of A and tested on all of B; the diagonal (A → A) is A's held-out
 * accuracy under the spec's split.
 */
import type { CrossDomainParams } from "../../../server/probes/spec";
import type { LayerBasis } from "../layer-view";
import { cosine } from "../linalg/vector";
import { accuracy, auroc, meanOf } from "../stats/metrics";
import { fitLogistic, logisticScores } from "../stats/logistic-regression";
import type { LayerContext, MethodOutput } from "../types";
import { labelsOf, meanDifference, rowsOf, scoreRows } from "./common";

export interface DomainTransfer {
  from: string;
  to: string;
  cosine: number;
  accuracy: number;
  auroc: number;
}

export interface CrossDomainMetrics {
  domains: string[];
  transfers: DomainTransfer[];
  /** Mean over A ≠ B. */
  meanCosine: number;
  meanTransferAccuracy: number;
  meanInDomainAccuracy: number;
}

interface Classifier {
  w: Float64Array;
  score(rows: ArrayLike<number>): Float64Array;
}

function train(basis: LayerBasis, y: Uint8Array, rows: Int32Array, params: CrossDomainParams, scale: number): Classifier {
  if (params.classifier === "logistic") {
    const fit = fitLogistic(basis.Z, basis.r, rows, y, { lambda: params.l2, scale });
    return { w: fit.w, score: (rs) => logisticScores(basis.Z, basis.r, rs, fit, scale) };
  }
  const md = meanDifference(basis, y, rows);
  return { w: md.w, score: (rs) => scoreRows(basis, rs, md.w, md.offset) };
}

export function crossDomainLayer(ctx: LayerContext, params: CrossDomainParams): CrossDomainMetrics {
  const basis = ctx.view.basis();
  const { data } = ctx;
  const scale = ctx.view.rmsNorm > 0 ? 1 / ctx.view.rmsNorm : 1;
  const domains = [...new Set(data.domains.filter((d): d is string => d !== null))].sort();
  const rowsByDomain = new Map<string, Int32Array>();
  for (const dom of domains) rowsByDomain.set(dom, Int32Array.from(data.domains.flatMap((d, i) => (d === dom ? [i] : []))));
  const usable = domains.filter((d) => {
    const rows = rowsByDomain.get(d)!;
    return rowsOf(rows, data.y, 1).length > 0 && rowsOf(rows, data.y, 0).length > 0;
  });
  const classifiers = new Map<string, Classifier>();
  for (const dom of usable) classifiers.set(dom, train(basis, data.y, rowsByDomain.get(dom)!, params, scale));
  const transfers: DomainTransfer[] = [];
  const inDomain: number[] = [];
  for (const a of usable) {
    for (const b of usable) {
      const cb = classifiers.get(b)!;
      const ca = classifiers.get(a)!;
      if (a === b) {
        // Held-out within the domain, under the spec's folds.
        const accs: number[] = [];
        const aucs: number[] = [];
        const inA = new Set(rowsByDomain.get(a)!);
        for (const fold of ctx.folds) {
          const tr = Int32Array.from(Array.from(fold.train).filter((i) => inA.has(i)));
          const te = Int32Array.from(Array.from(fold.test).filter((i) => inA.has(i)));
          if (te.length === 0 || rowsOf(tr, data.y, 1).length === 0 || rowsOf(tr, data.y, 0).length === 0) continue;
          const c = train(basis, data.y, tr, params, scale);
          const s = c.score(te);
          accs.push(accuracy(s, labelsOf(te, data.y)));
          aucs.push(auroc(s, labelsOf(te, data.y)));
        }
        inDomain.push(meanOf(accs));
        transfers.push({ from: a, to: a, cosine: 1, accuracy: meanOf(accs), auroc: meanOf(aucs) });
        continue;
      }
      const rowsB = rowsByDomain.get(b)!;
      const s = ca.score(rowsB);
      const yb = labelsOf(rowsB, data.y);
      transfers.push({ from: a, to: b, cosine: cosine(ca.w, cb.w), accuracy: accuracy(s, yb), auroc: auroc(s, yb) });
    }
  }
  const off = transfers.filter((t) => t.from !== t.to);
  return {
    domains: usable,
    transfers,
    meanCosine: meanOf(off.map((t) => t.cosine)),
    meanTransferAccuracy: meanOf(off.map((t) => t.accuracy)),
    meanInDomainAccuracy: meanOf(inDomain),
  };
}

export function crossDomain(layers: Iterable<LayerContext>, params: CrossDomainParams): MethodOutput<CrossDomainMetrics, null> {
  const perLayer: MethodOutput<CrossDomainMetrics, unknown>["perLayer"] = [];
  for (const ctx of layers) perLayer.push({ hook: ctx.view.hook, layer: ctx.view.layer, ...crossDomainLayer(ctx, params) });
  return { perLayer, artifacts: null };
}
