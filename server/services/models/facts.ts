import { eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Queryable } from "~/db/transaction";
import { models } from "~/db/schema";

/**
 * A hosted model's public facts: what the weights say (architecture, sizes, precision, hash),
 * where they came from, and its state. The local path on this machine is never shown; a local
 * source is described by its file name only.
 */

export const baseModel = alias(models, "base_model");

/** Select these from `models` left-joined to `baseModel` on `models.baseModelId`. */
export const modelFactColumns = {
  id: models.id,
  name: models.name,
  architecture: models.architecture,
  parameterCount: models.parameterCount,
  layers: models.layers,
  dModel: models.dModel,
  nHeads: models.nHeads,
  nKvHeads: models.nKvHeads,
  contextLength: models.contextLength,
  vocabSize: models.vocabSize,
  precision: models.precision,
  recipe: models.recipe,
  heldOutLoss: models.heldOutLoss,
  source: models.source,
  licence: models.licence,
  sha256: models.sha256,
  status: models.status,
  statusReason: models.statusReason,
  bytesDone: models.bytesDone,
  bytesTotal: models.bytesTotal,
  baseModelName: baseModel.name,
  createdAt: models.createdAt,
};

/** The facts query, ready for a `where` and an `orderBy`. */
export function selectModelFacts(db: Queryable) {
  return db.select(modelFactColumns).from(models).leftJoin(baseModel, eq(baseModel.id, models.baseModelId));
}

type FactRow = Awaited<ReturnType<typeof selectModelFacts>>[number];

export interface ModelSourceInfo {
  kind: "hf" | "url" | "local";
  /** What to show: "hf:org/repo/file", the URL, or the local file's name. */
  label: string;
  /** A page to open (the Hugging Face repository, or the URL itself); none for local files. */
  href: string | null;
}

/** Where the weights came from, for people: a link where there is one, never a path on this machine. */
export function describeSource(source: string): ModelSourceInfo {
  const hf = /^hf:([A-Za-z0-9][A-Za-z0-9._-]*)\/([A-Za-z0-9][A-Za-z0-9._-]*)(?:\/(.*))?$/.exec(source);
  if (hf) return { kind: "hf", label: source, href: `https://huggingface.co/${hf[1]}/${hf[2]}` };
  if (/^https?:\/\//i.test(source)) {
    try {
      const url = new URL(source);
      return { kind: "url", label: source, href: url.protocol === "http:" || url.protocol === "https:" ? url.href : null };
    } catch {
      return { kind: "url", label: source, href: null };
    }
  }
  const file = source.split(/[\\/]/).filter(Boolean).pop() ?? "";
  return { kind: "local", label: file ? `local file ${file}` : "local file", href: null };
}

export interface ModelFacts {
  id: number;
  name: string;
  architecture: string | null;
  parameterCount: number | null;
  layers: number | null;
  dModel: number | null;
  nHeads: number | null;
  nKvHeads: number | null;
  contextLength: number | null;
  vocabSize: number | null;
  precision: string | null;
  recipe: string | null;
  heldOutLoss: number | null;
  source: ModelSourceInfo;
  licence: string | null;
  sha256: string | null;
  status: FactRow["status"];
  statusReason: string | null;
  /** While downloading: bytes so far and expected (either may be unknown). */
  download: { done: number | null; total: number | null } | null;
  /** For a precision variant: the model it was converted from. */
  baseModel: { name: string } | null;
  createdAt: Date;
}

export function toModelFacts(row: FactRow): ModelFacts {
  const { source, baseModelName, bytesDone, bytesTotal, ...rest } = row;
  return {
    ...rest,
    source: describeSource(source),
    download: row.status === "downloading" ? { done: bytesDone, total: bytesTotal } : null,
    baseModel: baseModelName === null ? null : { name: baseModelName },
  };
}
