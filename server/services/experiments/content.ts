import { inArray } from "drizzle-orm";
import { experimentVersionPapers, experimentVersionTechniques, papers, techniques } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { parseProbeSpec, type ProbeSpec } from "../../probes/spec";
import { renderForStorage } from "../../render/for-storage";
import type { CitationResolver } from "../../render/markdown-citations";
import { citationsFromDatabase } from "../../render/markdown-citation-lookup";
import { DomainError } from "../../errors";
import { loadDatasetContent } from "../datasets/store";
import type { ExperimentContent } from "./input";

/**
 * Turns what an author wrote into what a version stores: technique and paper ids, the uploaded
 * data set the spec refers to (checked against the spec: classes, contrast, domains, markers), and
 * the question rendered once.
 */
export interface ResolvedContent {
  title: string;
  question: string;
  questionHtml: string | null;
  questionRenderError: string | null;
  spec: ProbeSpec;
  datasetId: number | null;
  claims: ExperimentContent["claims"];
  techniqueIds: number[];
  paperIds: number[];
}

async function techniqueIds(db: Queryable, slugs: string[]): Promise<number[]> {
  const unique = [...new Set(slugs)];
  if (unique.length === 0) return [];
  const rows = await db.select({ id: techniques.id, slug: techniques.slug }).from(techniques).where(inArray(techniques.slug, unique));
  const missing = unique.filter((s) => !rows.some((r) => r.slug === s));
  if (missing.length > 0) throw new DomainError("BAD_REQUEST", `Unknown technique${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}. Choose techniques from the map.`);
  return rows.map((r) => r.id);
}

async function paperIds(db: Queryable, ids: number[]): Promise<number[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await db.select({ id: papers.id }).from(papers).where(inArray(papers.id, unique));
  const missing = unique.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length > 0) throw new DomainError("BAD_REQUEST", `Unknown paper${missing.length > 1 ? "s" : ""}: ${missing.map((m) => `#${m}`).join(", ")}.`);
  return unique;
}

/** The uploaded data set a spec names, validated with the spec as if its rows were inline. */
async function checkDataset(db: Queryable, spec: ProbeSpec): Promise<number | null> {
  if (spec.data?.kind !== "dataset") return null;
  const ref = spec.data.datasetId;
  const id = /^[1-9]\d{0,9}$/.test(ref) ? Number(ref) : NaN;
  const loaded = Number.isSafeInteger(id) && id <= 2_147_483_647 ? await loadDatasetContent(db, id) : null;
  if (!loaded) throw new DomainError("BAD_REQUEST", `spec: data.datasetId: there is no uploaded data set "${ref.slice(0, 40)}" — upload one or pick one of yours.`);
  const contrast = spec.data.contrast;
  if (loaded.dataset.kind === "pairs" && contrast) {
    throw new DomainError("BAD_REQUEST", `spec: data.contrast: data set #${id} holds contrastive pairs, which have no classes to choose — remove "contrast".`);
  }
  const inline =
    loaded.dataset.kind === "labelled"
      ? { kind: "labelled" as const, examples: loaded.dataset.examples, ...(contrast ? { contrast } : {}) }
      : { kind: "pairs" as const, pairs: loaded.dataset.pairs };
  const checked = parseProbeSpec({ ...spec, data: inline });
  if (!checked.ok) {
    const messages = checked.errors.slice(0, 10).map((e) => e.replace(/^data\./, `data set #${id}: `));
    throw new DomainError("BAD_REQUEST", `The data set does not fit the spec:\n${messages.join("\n")}`);
  }
  return id;
}

/** Renders the question for storage; an unavailable renderer stores nothing, so the next view renders it. */
export async function renderQuestion(question: string, citations?: CitationResolver): Promise<{ questionHtml: string | null; questionRenderError: string | null }> {
  const { html, error } = await renderForStorage(question, { citations });
  return { questionHtml: html, questionRenderError: error };
}

export async function resolveContent(db: Queryable, content: ExperimentContent): Promise<ResolvedContent> {
  const [tIds, pIds, datasetId, rendered] = await Promise.all([
    techniqueIds(db, content.techniques),
    paperIds(db, content.paperIds),
    checkDataset(db, content.spec),
    renderQuestion(content.question, citationsFromDatabase(db)),
  ]);
  return { title: content.title, question: content.question, ...rendered, spec: content.spec, datasetId, claims: content.claims, techniqueIds: tIds, paperIds: pIds };
}

/** The version's columns from resolved content. */
export function versionColumns(c: ResolvedContent) {
  return {
    title: c.title,
    question: c.question,
    questionHtml: c.questionHtml,
    questionRenderError: c.questionRenderError,
    spec: c.spec as unknown as Record<string, unknown>,
    datasetId: c.datasetId,
    claims: c.claims as unknown[],
  };
}

export async function insertLinks(db: Queryable, versionId: number, c: ResolvedContent): Promise<void> {
  if (c.techniqueIds.length > 0) await db.insert(experimentVersionTechniques).values(c.techniqueIds.map((techniqueId) => ({ versionId, techniqueId })));
  if (c.paperIds.length > 0) await db.insert(experimentVersionPapers).values(c.paperIds.map((paperId) => ({ versionId, paperId })));
}
