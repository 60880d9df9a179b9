import { inArray } from "drizzle-orm";
import { papers, techniques, type RevisionKind, type RevisionStatus, type TechniqueRelationKind } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { type DescriptionPreview, previewDescription } from "./description-preview";
import { mergeImpact, storedMergeSchema, type MergeImpact } from "./merge";
import { relationSentence, storedRelationChangesSchema } from "./relations";
import { wordDiff, type TextDiff } from "./word-diff";

/** The fields a proposal may show, in the order they are shown, with their labels. */
export const FIELD_LABELS: Record<string, string> = {
  name: "Name",
  slug: "Slug",
  summary: "Summary",
  description: "Description",
  aliases: "Aliases",
  approach: "Approach",
  direction: "Direction",
  unit: "Unit",
  parents: "Parents",
};
const FIELD_ORDER = Object.keys(FIELD_LABELS);
/** Text fields shown as a word diff. */
const TEXT_FIELDS = new Set(["name", "summary", "description"]);

export interface FieldChange {
  field: string;
  label: string;
  /** Undefined for a new technique (nothing before). */
  before: unknown;
  after: unknown;
  /** Word-level changes of a text field (null for lists, facets and new techniques). */
  diff: TextDiff | null;
}

export interface RelationChange {
  action: "add" | "remove";
  kind: TechniqueRelationKind;
  /** In words: "‘Linear probing’ is a kind of ‘Probing’". */
  sentence: string;
  from: { slug: string | null; name: string };
  to: { slug: string | null; name: string };
}

/** A proposal of any kind, put in words and diffs for the review queue, history and proposal page. */
export interface ProposalView {
  kind: RevisionKind;
  /** "Edit", "New technique ‘X’", "Merge ‘A’ into ‘B’", … */
  headline: string;
  /** One sentence saying what accepting does (or did), when a field table does not say it alone. */
  summary: string | null;
  fields: FieldChange[];
  relations: RelationChange[];
  /** Papers a new technique comes with. */
  papers: Array<{ id: number; title: string | null; relation: string }>;
  /** Merges: relations that were (or will be) left out, in words. */
  leftOut: string[];
  /** The proposed description rendered (only when asked for: review queue and proposal page). */
  preview: DescriptionPreview | null;
}

export interface ProposalRow {
  id: number;
  kind: RevisionKind;
  status: RevisionStatus;
  techniqueId: number | null;
  changes: Record<string, unknown>;
  before: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
const text = (value: unknown) => (typeof value === "string" ? value : value === null || value === undefined ? "" : String(value));

/** "3 papers", "1 paper", "no papers". */
function count(n: number, one: string, many = `${one}s`) {
  return n === 0 ? `no ${many}` : `${n} ${n === 1 ? one : many}`;
}
/** "a, b and c". */
function list(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export function mergeSentence(source: { name: string; slug: string }, target: { name: string }, impact: MergeImpact | null, done: boolean): string {
  const head = `${done ? "Merged" : "Merge"} ‘${source.name}’ into ‘${target.name}’`;
  const redirect = `/techniques/${source.slug} ${done ? "redirects there" : "will redirect"}`;
  if (!impact) return `${head}; ${redirect}.`;
  const parts = [count(impact.papers, "paper"), count(impact.experiments, "experiment"), count(impact.edits, "edit")];
  if (impact.comments > 0) parts.push(count(impact.comments, "comment"));
  if (impact.watchers > 0) parts.push(count(impact.watchers, "watcher"));
  if (impact.relations > 0) parts.push(count(impact.relations, "relation"));
  return `${head}: ${list(parts)} ${done ? "moved" : "move"}; ${redirect}.`;
}

function orderedFields(keys: string[]): string[] {
  return keys.sort((a, b) => (FIELD_ORDER.indexOf(a) === -1 ? 99 : FIELD_ORDER.indexOf(a)) - (FIELD_ORDER.indexOf(b) === -1 ? 99 : FIELD_ORDER.indexOf(b)));
}

function fieldChanges(changes: Record<string, unknown>, before: Record<string, unknown> | null, keys: string[]): FieldChange[] {
  return orderedFields(keys.filter((k) => k in changes)).map((field) => ({
    field,
    label: FIELD_LABELS[field] ?? field,
    before: before ? before[field] : undefined,
    after: changes[field],
    diff: before && TEXT_FIELDS.has(field) ? wordDiff(text(before[field]), text(changes[field])) : null,
  }));
}

/** Puts proposals in words. Reads what they mention (techniques, papers, merge counts) in a few queries. */
export async function proposalViews(db: Queryable, rows: ProposalRow[], options: { withPreview?: boolean } = {}): Promise<Map<number, ProposalView>> {
  // Techniques named by id (relations, merges), with their names as the proposal saw them.
  const ids = new Set<number>();
  const paperIds = new Set<number>();
  for (const row of rows) {
    if (row.kind === "relations") {
      const parsed = storedRelationChangesSchema.safeParse(row.changes);
      if (parsed.success) for (const r of [...parsed.data.add, ...parsed.data.remove]) ids.add(r.fromId).add(r.toId);
    } else if (row.kind === "merge") {
      const parsed = storedMergeSchema.safeParse(row.changes);
      if (parsed.success) ids.add(parsed.data.sourceId).add(parsed.data.targetId);
    } else if (row.kind === "create" && Array.isArray(row.changes.papers)) {
      for (const p of row.changes.papers) if (isRecord(p) && typeof p.paperId === "number") paperIds.add(p.paperId);
    }
  }
  const current = new Map(
    ids.size ? (await db.select({ id: techniques.id, slug: techniques.slug, name: techniques.name }).from(techniques).where(inArray(techniques.id, [...ids]))).map((t) => [t.id, t]) : [],
  );
  const paperTitles = new Map(paperIds.size ? (await db.select({ id: papers.id, title: papers.title }).from(papers).where(inArray(papers.id, [...paperIds]))).map((p) => [p.id, p.title]) : []);

  /** A technique by id: as it is now, else as the proposal saw it (merged away or removed since). */
  const techniqueRef = (row: ProposalRow, id: number, snapshot?: unknown): { slug: string | null; name: string } => {
    const now = current.get(id);
    if (now) return { slug: now.slug, name: now.name };
    const seen = isRecord(snapshot) ? snapshot : isRecord(row.before.techniques) ? row.before.techniques[String(id)] : undefined;
    return { slug: null, name: isRecord(seen) && typeof seen.name === "string" ? seen.name : "a technique that no longer exists" };
  };

  const views = new Map<number, ProposalView>();
  for (const row of rows) {
    const view: ProposalView = { kind: row.kind, headline: "Edit", summary: null, fields: [], relations: [], papers: [], leftOut: [], preview: null };
    if (row.kind === "edit") {
      view.fields = fieldChanges(row.changes, row.before, Object.keys(row.changes));
    } else if (row.kind === "create") {
      const name = text(row.changes.name);
      view.headline = `New technique ‘${name}’`;
      view.fields = fieldChanges(row.changes, null, FIELD_ORDER).filter((f) => !(Array.isArray(f.after) && f.after.length === 0) && f.after !== "" && f.after !== null);
      view.papers = (Array.isArray(row.changes.papers) ? row.changes.papers : []).filter(isRecord).map((p) => ({
        id: Number(p.paperId),
        title: paperTitles.get(Number(p.paperId)) ?? null,
        relation: text(p.relation),
      }));
      const parents = Array.isArray(row.changes.parents) ? row.changes.parents.length : 0;
      view.summary = `${row.status === "accepted" ? "Created" : "Creates"} ‘${name}’ at /techniques/${text(row.changes.slug)}${parents ? ` under ${count(parents, "parent")}` : " as a top-level technique"}, with ${count(view.papers.length, "paper")}.`;
    } else if (row.kind === "relations") {
      view.headline = "Relations";
      const parsed = storedRelationChangesSchema.safeParse(row.changes);
      if (parsed.success) {
        for (const [action, entries] of [
          ["add", parsed.data.add],
          ["remove", parsed.data.remove],
        ] as const) {
          for (const r of entries) {
            const from = techniqueRef(row, r.fromId);
            const to = techniqueRef(row, r.toId);
            view.relations.push({ action, kind: r.kind, from, to, sentence: relationSentence(from.name, to.name, r.kind) });
          }
        }
        const adds = parsed.data.add.length;
        const removes = parsed.data.remove.length;
        view.summary = `${list([adds ? `${row.status === "accepted" ? "Added" : "Add"} ${count(adds, "relation")}` : "", removes ? `${row.status === "accepted" ? "removed" : "remove"} ${count(removes, "relation")}` : ""].filter(Boolean))}.`;
        view.summary = view.summary.charAt(0).toUpperCase() + view.summary.slice(1);
      }
    } else if (row.kind === "merge") {
      const parsed = storedMergeSchema.safeParse(row.changes);
      if (parsed.success) {
        const source = techniqueRef(row, parsed.data.sourceId, row.before.source);
        const target = techniqueRef(row, parsed.data.targetId, row.before.target);
        const sourceSlug = source.slug ?? (isRecord(row.before.source) ? text(row.before.source.slug) : "");
        view.headline = `Merge ‘${source.name}’ into ‘${target.name}’`;
        const done = row.status === "accepted";
        const moved = isRecord(row.before.moved) ? (row.before.moved as unknown as MergeImpact) : null;
        const impact = done ? moved : row.status === "pending" ? await mergeImpact(db, parsed.data.sourceId, row.id) : null;
        view.summary = mergeSentence({ name: source.name, slug: sourceSlug }, target, impact, done);
        view.leftOut = Array.isArray(row.before.leftOut) ? row.before.leftOut.map(text) : [];
      }
    } else if (row.kind === "rename") {
      const before = { name: text(row.before.name), slug: text(row.before.slug) };
      view.headline = `Rename ‘${before.name}’`;
      view.fields = fieldChanges(row.changes, row.before, ["name", "slug"]);
      const newSlug = typeof row.changes.slug === "string" ? row.changes.slug : null;
      const newName = typeof row.changes.name === "string" ? row.changes.name : null;
      const done = row.status === "accepted";
      view.summary = [
        newName ? `${done ? "Renamed" : "Rename"} ‘${before.name}’ to ‘${newName}’.` : null,
        newSlug ? `/techniques/${before.slug} ${done ? "redirects" : "will redirect"} to /techniques/${newSlug}.` : null,
      ]
        .filter(Boolean)
        .join(" ");
    }
    if (options.withPreview && (row.kind === "edit" || row.kind === "create") && typeof row.changes.description === "string" && row.changes.description.trim() !== "") {
      view.preview = await previewDescription(db, row.changes.description);
    }
    views.set(row.id, view);
  }
  return views;
}
