import { and, desc, eq, gt, inArray, sql, type SQL } from "drizzle-orm";
import { alias, type AnyPgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Database } from "~/db/client";
import { paperRevisions, papers, techniqueRevisions, techniqueSlugRedirects, techniques, users, type PaperRevisionKind, type RevisionKind } from "~/db/schema";
import { optionalPublicName, publicName } from "./display-name";

/**
 * The changes feed: accepted proposals of every kind (technique edits, new techniques, relations,
 * merges, renames; paper metadata and links), newest first by the time they were accepted, each
 * told in words. Pages go by keyset (the position of the last item shown), so a page never repeats
 * or skips items when new changes are accepted while someone reads.
 *
 * Stored shapes read here (written by the proposal services, server/services/proposals/*):
 * edit `{ field: value }`; create `{ slug, name, … }`; relations `{ add, remove: [{ fromId, toId, kind }] }`
 * with `before.techniques[id].name`; merge `{ sourceId, targetId }` with `before.source.name`
 * (accepted: technique_id = the target); rename `{ name?, slug? }` with `before { name, slug }`;
 * paper metadata `{ field: value }`; paper link/unlink `{ techniqueId | technique (slug), relation }`.
 */

export const CHANGES_PAGE_SIZE = 30;

/** "t" = technique proposal, "p" = paper proposal; at one instant technique proposals come first. */
type Source = "t" | "p";

const INSTANT = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z`;
/**
 * Where a page starts: the acceptance time to the microsecond (JavaScript dates keep only
 * milliseconds, and two changes accepted in the same millisecond must still both appear), then
 * the proposal. E.g. `2026-01-05T10:00:00.123456Z_t42`.
 */
const CURSOR = new RegExp(`^(${INSTANT})_([tp])([1-9]\\d{0,9})$`);
export const changesCursorSchema = z.string().regex(CURSOR, "That link to older changes is damaged; start again from the newest changes.");
/** An instant as the database states it, to the microsecond (see exactTime). */
export const exactInstantSchema = z.string().regex(new RegExp(`^${INSTANT}$`), "That time is not in the expected form.");

interface Position {
  at: string;
  source: Source;
  id: number;
}

function parseCursor(cursor: string): Position {
  const m = CURSOR.exec(cursor);
  if (!m?.[1] || !m[2] || !m[3]) throw new Error(`malformed cursor ${cursor.slice(0, 40)}`);
  return { at: m[1], source: m[2] as Source, id: Number(m[3]) };
}

/** A timestamp as exact text (UTC, microseconds), so comparisons and cursors lose nothing. */
export const exactTime = (value: AnyPgColumn | SQL) => sql<string>`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Proposals that change one technique (given as an SQL expression, so it can be a correlated
 * column): its own proposals, relations proposals with it at either end, and paper proposals
 * that link or unlink it (by id, or by its current or an old slug). Shared by the feed's filter
 * and the watch counts, so both always agree.
 */
export function aboutTechnique(techniqueId: SQL) {
  const r = techniqueRevisions;
  const p = paperRevisions;
  const end = (list: "add" | "remove", key: "fromId" | "toId") => sql`${r.changes}->${list} @> jsonb_build_array(jsonb_build_object(${key}::text, (${techniqueId})::int))`;
  const slugs = sql`(select t.slug from ${techniques} t where t.id = ${techniqueId} union all select s.slug from ${techniqueSlugRedirects} s where s.technique_id = ${techniqueId})`;
  const names = (field: "changes" | "before") =>
    sql`(${p[field]}->>'techniqueId' = (${techniqueId})::text or ${p[field]}->>'technique' in ${slugs} or ${p[field]}->>'techniqueSlug' in ${slugs})`;
  return {
    technique: sql`(${r.techniqueId} = ${techniqueId} or (${r.kind} = 'relations' and (${end("add", "fromId")} or ${end("add", "toId")} or ${end("remove", "fromId")} or ${end("remove", "toId")})))`,
    paper: sql`(${p.kind} in ('link', 'unlink') and (${names("changes")} or ${names("before")}))`,
  };
}

export interface ChangeItem {
  /** Unique across technique and paper proposals ("t42", "p7"); the keyset position is `cursor`. */
  key: string;
  source: "technique" | "paper";
  revisionId: number;
  kind: RevisionKind | PaperRevisionKind;
  /** What changed, in words: "Edited ‘Logit lens’: summary, description". */
  title: string;
  /** The technique or paper it changed, under its current address (null if it no longer exists). */
  subject: { name: string; href: string } | null;
  /** The proposer's reason. */
  message: string;
  authorName: string;
  reviewerName: string | null;
  reviewComment: string | null;
  reviewedAt: Date;
  /** Pass as `cursor` to get the changes after this one. */
  cursor: string;
}

interface TechniqueRef {
  id: number;
  slug: string;
  name: string;
}

/** Technique-side rows and paper-side rows, as read before they are put into words. */
interface RawChange {
  source: Source;
  id: number;
  kind: RevisionKind | PaperRevisionKind;
  changes: Record<string, unknown>;
  before: Record<string, unknown>;
  message: string;
  reviewComment: string | null;
  reviewedAt: Date;
  at: string;
  authorName: string;
  reviewerName: string | null;
  /** The technique a technique proposal is about (null for paper proposals). */
  techniqueId: number | null;
  techniqueSlug: string | null;
  techniqueName: string | null;
  paperId: number | null;
  paperTitle: string | null;
}

interface Window {
  /** Only this technique's changes (see aboutTechnique). */
  techniqueId?: number;
  /** Changes older than this position (the next page). */
  olderThan?: Position;
  /** Changes accepted after this instant (exact text), e.g. since a member's last visit. */
  newerThan?: string;
  /** …and not after this one (the instant a list was read). */
  notAfter?: string;
  limit: number;
}

/** The keyset condition for one source: (reviewedAt, source, id) < (at, source, id), in descending order. */
function olderThanCondition(source: Source, position: Position, reviewedAt: AnyPgColumn, id: AnyPgColumn): SQL {
  const at = sql`${position.at}::timestamptz`;
  if (source === position.source) return sql`(${reviewedAt}, ${id}) < (${at}, ${position.id})`;
  // "t" sorts after "p", so at the same instant technique proposals come first (descending).
  return source === "p" ? sql`${reviewedAt} <= ${at}` : sql`${reviewedAt} < ${at}`;
}

function windowConditions(source: Source, w: Window, table: typeof techniqueRevisions | typeof paperRevisions): SQL[] {
  const conditions: SQL[] = [eq(table.status, "accepted"), sql`${table.reviewedAt} is not null`];
  if (w.techniqueId !== undefined) conditions.push(aboutTechnique(sql`${w.techniqueId}`)[source === "t" ? "technique" : "paper"]);
  if (w.olderThan) conditions.push(olderThanCondition(source, w.olderThan, table.reviewedAt, table.id));
  if (w.newerThan) conditions.push(gt(table.reviewedAt, sql`${w.newerThan}::timestamptz`));
  if (w.notAfter) conditions.push(sql`${table.reviewedAt} <= ${w.notAfter}::timestamptz`);
  return conditions;
}

async function techniqueChanges(db: Database, w: Window): Promise<RawChange[]> {
  const author = alias(users, "author");
  const reviewer = alias(users, "reviewer");
  const r = techniqueRevisions;
  const rows = await db
    .select({
      id: r.id,
      kind: r.kind,
      changes: r.changes,
      before: r.before,
      message: r.message,
      reviewComment: r.reviewComment,
      reviewedAt: r.reviewedAt,
      at: exactTime(r.reviewedAt),
      authorName: publicName(author),
      reviewerName: optionalPublicName(reviewer),
      techniqueId: r.techniqueId,
      techniqueSlug: techniques.slug,
      techniqueName: techniques.name,
    })
    .from(r)
    .innerJoin(author, eq(author.id, r.authorId))
    .leftJoin(reviewer, eq(reviewer.id, r.reviewerId))
    .leftJoin(techniques, eq(techniques.id, r.techniqueId))
    .where(and(...windowConditions("t", w, r)))
    .orderBy(desc(r.reviewedAt), desc(r.id))
    .limit(w.limit);
  return rows.map((row) => ({ ...row, source: "t" as const, reviewedAt: row.reviewedAt ?? new Date(row.at), paperId: null, paperTitle: null }));
}

async function paperChanges(db: Database, w: Window): Promise<RawChange[]> {
  const author = alias(users, "author");
  const reviewer = alias(users, "reviewer");
  const r = paperRevisions;
  const rows = await db
    .select({
      id: r.id,
      kind: r.kind,
      changes: r.changes,
      before: r.before,
      message: r.message,
      reviewComment: r.reviewComment,
      reviewedAt: r.reviewedAt,
      at: exactTime(r.reviewedAt),
      authorName: publicName(author),
      reviewerName: optionalPublicName(reviewer),
      paperId: r.paperId,
      paperTitle: papers.title,
    })
    .from(r)
    .innerJoin(author, eq(author.id, r.authorId))
    .leftJoin(reviewer, eq(reviewer.id, r.reviewerId))
    .leftJoin(papers, eq(papers.id, r.paperId))
    .where(and(...windowConditions("p", w, r)))
    .orderBy(desc(r.reviewedAt), desc(r.id))
    .limit(w.limit);
  return rows.map((row) => ({ ...row, source: "p" as const, reviewedAt: row.reviewedAt ?? new Date(row.at), techniqueId: null, techniqueSlug: null, techniqueName: null }));
}

/** Newest first: acceptance time, then technique proposals before paper proposals, then the larger id. */
function compareNewestFirst(a: RawChange, b: RawChange): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  if (a.source !== b.source) return a.source < b.source ? 1 : -1;
  return b.id - a.id;
}

/** Both kinds of proposal in one order: each side's first `limit` rows hold the merged first `limit`. */
async function readWindow(db: Database, w: Window): Promise<RawChange[]> {
  const [t, p] = await Promise.all([techniqueChanges(db, w), paperChanges(db, w)]);
  return [...t, ...p].sort(compareNewestFirst).slice(0, w.limit);
}

// ---------------------------------------------------------------------------------------------
// In words

const TECHNIQUE_FIELDS = ["name", "slug", "summary", "description", "aliases", "approach", "direction", "unit", "parents"];
const PAPER_FIELDS = ["title", "authors", "year", "venue", "abstract", "arxivId", "doi", "url", "bibtex"];
const FIELD_WORDS: Record<string, string> = { slug: "address", unit: "unit of analysis", arxivId: "arXiv id", doi: "DOI", url: "URL", bibtex: "BibTeX" };

/** How a relation reads from one of its ends: outgoing from `from`, incoming from `to` (kind_of runs parent → child). */
const RELATION_WORDS: Record<string, { outgoing: string; incoming: string }> = {
  kind_of: { outgoing: "has kind", incoming: "is a kind of" },
  uses: { outgoing: "uses", incoming: "is used by" },
  alternative_to: { outgoing: "is an alternative to", incoming: "has alternative" },
  evaluates: { outgoing: "evaluates", incoming: "is evaluated by" },
  refines: { outgoing: "refines", incoming: "is refined by" },
};
const PAPER_RELATIONS = new Set(["introduces", "applies", "extends", "critiques", "evaluates", "surveys"]);

const MAX_NAME = 160;
/** ‘Name’ on one line, shortened when very long (paper titles can run to 500 characters). */
function quoted(name: string): string {
  const oneLine = name.replace(/\s+/g, " ").trim();
  return `‘${oneLine.length > MAX_NAME ? `${oneLine.slice(0, MAX_NAME - 1)}…` : oneLine}’`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
const str = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value : null);
const int = (value: unknown): number | null => (typeof value === "number" && Number.isInteger(value) && value > 0 && value < 2 ** 31 ? value : null);

/** Names of the techniques proposals mention by id or slug (as they are now), read in one or two queries per page. */
class TechniqueNames {
  private byId = new Map<number, TechniqueRef>();
  private bySlug = new Map<string, TechniqueRef>();
  add(ref: TechniqueRef, slug = ref.slug) {
    this.byId.set(ref.id, ref);
    this.bySlug.set(slug, ref);
  }
  byIdOrSlug(value: unknown): TechniqueRef | null {
    const id = int(value);
    if (id !== null) return this.byId.get(id) ?? null;
    const slug = str(value);
    return slug ? (this.bySlug.get(slug) ?? null) : null;
  }
}

interface RelationEdit {
  sign: "+" | "−";
  kind: string;
  from: unknown;
  to: unknown;
}

function relationEdits(changes: Record<string, unknown>): RelationEdit[] {
  const out: RelationEdit[] = [];
  for (const [key, sign] of [
    ["add", "+"],
    ["remove", "−"],
  ] as const) {
    const list = changes[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) if (isRecord(entry)) out.push({ sign, kind: str(entry.kind) ?? "", from: entry.fromId ?? entry.from, to: entry.toId ?? entry.to });
  }
  return out;
}

/** Ids and slugs a page of proposals mentions beyond their own technique. */
function mentioned(raw: RawChange): unknown[] {
  if (raw.source === "p") return [raw.changes.techniqueId, raw.changes.technique, raw.changes.techniqueSlug, raw.before.techniqueId, raw.before.technique, raw.before.techniqueSlug];
  if (raw.kind === "relations") return relationEdits(raw.changes).flatMap((e) => [e.from, e.to]);
  return [];
}

async function resolveNames(db: Database, raws: RawChange[]): Promise<TechniqueNames> {
  const names = new TechniqueNames();
  for (const raw of raws) if (raw.techniqueId !== null && raw.techniqueSlug && raw.techniqueName) names.add({ id: raw.techniqueId, slug: raw.techniqueSlug, name: raw.techniqueName });
  const ids = new Set<number>();
  const slugs = new Set<string>();
  for (const value of raws.flatMap(mentioned)) {
    const id = int(value);
    if (id !== null) ids.add(id);
    else if (str(value) && String(value).length <= 80) slugs.add(String(value));
  }
  const columns = { id: techniques.id, slug: techniques.slug, name: techniques.name };
  if (ids.size > 0) for (const row of await db.select(columns).from(techniques).where(inArray(techniques.id, [...ids]))) names.add(row);
  if (slugs.size > 0) {
    for (const row of await db.select(columns).from(techniques).where(inArray(techniques.slug, [...slugs]))) names.add(row);
    // Old slugs (renamed or merged away) still name their technique.
    const redirected = await db
      .select({ old: techniqueSlugRedirects.slug, ...columns })
      .from(techniqueSlugRedirects)
      .innerJoin(techniques, eq(techniques.id, techniqueSlugRedirects.techniqueId))
      .where(inArray(techniqueSlugRedirects.slug, [...slugs]));
    for (const { old, ...row } of redirected) names.add(row, old);
  }
  return names;
}

function fieldList(changes: Record<string, unknown>, order: string[]): string {
  const keys = Object.keys(changes).sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  return keys.map((key) => FIELD_WORDS[key] ?? key).join(", ") || "no fields";
}

function describeRelation(subject: TechniqueRef | null, edit: RelationEdit, nameOf: (ref: unknown) => string, names: TechniqueNames): string {
  const words = RELATION_WORDS[edit.kind] ?? { outgoing: edit.kind.replace(/_/g, " "), incoming: `is ${edit.kind.replace(/_/g, " ")} of` };
  const isSubject = (ref: unknown) => subject !== null && names.byIdOrSlug(ref)?.id === subject.id;
  // Told from the technique the proposal is about: "uses ‘X’", or "is used by ‘X’" when it is the far end.
  if (isSubject(edit.from)) return `${edit.sign} ${words.outgoing} ${nameOf(edit.to)}`;
  if (isSubject(edit.to)) return `${edit.sign} ${words.incoming} ${nameOf(edit.from)}`;
  return edit.kind === "kind_of" ? `${edit.sign} ${nameOf(edit.to)} is a kind of ${nameOf(edit.from)}` : `${edit.sign} ${nameOf(edit.from)} ${words.outgoing} ${nameOf(edit.to)}`;
}

function describe(raw: RawChange, names: TechniqueNames): string {
  const subject = raw.techniqueId !== null && raw.techniqueSlug && raw.techniqueName ? { id: raw.techniqueId, slug: raw.techniqueSlug, name: raw.techniqueName } : null;
  const current = quoted(subject?.name ?? str(raw.changes.name) ?? str(raw.before.name) ?? "a technique that no longer exists");
  /** A technique by id or slug: as it is now, else as the proposal saw it (merged away since). */
  const nameOf = (ref: unknown): string => {
    const now = names.byIdOrSlug(ref);
    if (now) return quoted(now.name);
    const seen = isRecord(raw.before.techniques) ? raw.before.techniques[String(ref)] : undefined;
    return quoted(isRecord(seen) && str(seen.name) ? String(seen.name) : (str(ref) ?? "a technique that no longer exists"));
  };
  switch (raw.kind) {
    case "edit":
      return `Edited ${current}: ${fieldList(raw.changes, TECHNIQUE_FIELDS)}`;
    case "create":
      return `New technique ${str(raw.changes.name) ? quoted(String(raw.changes.name)) : current}`;
    case "rename": {
      const [oldName, newName, oldSlug, newSlug] = [str(raw.before.name), str(raw.changes.name), str(raw.before.slug), str(raw.changes.slug)];
      const moved = newSlug && newSlug !== oldSlug ? `/techniques/${newSlug}` : null;
      if (oldName && newName && oldName !== newName) return `Renamed ${quoted(oldName)} to ${quoted(newName)}${moved ? ` (now at ${moved})` : ""}`;
      if (moved) return `Moved ${current} to ${moved}${oldSlug ? ` (was /techniques/${oldSlug})` : ""}`;
      return `Renamed ${current}`;
    }
    case "merge": {
      const source = isRecord(raw.before.source) && str(raw.before.source.name) ? quoted(String(raw.before.source.name)) : nameOf(raw.changes.sourceId);
      const target = subject ? current : nameOf(raw.changes.targetId);
      return `Merged ${source} into ${target}`;
    }
    case "relations": {
      const edits = relationEdits(raw.changes).map((edit) => describeRelation(subject, edit, nameOf, names));
      return `Relations of ${current}: ${edits.length > 0 ? edits.join("; ") : "changed"}`;
    }
    case "metadata":
      return `Corrected ${quoted(raw.paperTitle ?? "a paper")}: ${fieldList(raw.changes, PAPER_FIELDS)}`;
    case "link":
    case "unlink": {
      const record = raw.kind === "link" ? raw.changes : { ...raw.changes, ...raw.before };
      const technique = names.byIdOrSlug(record.techniqueId) ?? names.byIdOrSlug(record.technique) ?? names.byIdOrSlug(record.techniqueSlug);
      const relation = str(record.relation) ?? str(raw.changes.relation);
      const paper = quoted(raw.paperTitle ?? "a paper");
      const target = technique ? quoted(technique.name) : "a technique that no longer exists";
      const as = relation && PAPER_RELATIONS.has(relation) ? ` (${relation})` : "";
      return raw.kind === "link" ? `Linked ${paper} to ${target}${as}` : `Unlinked ${paper} from ${target}${as}`;
    }
  }
}

async function toItems(db: Database, raws: RawChange[]): Promise<ChangeItem[]> {
  const names = await resolveNames(db, raws);
  return raws.map((raw) => {
    let subject: ChangeItem["subject"] = null;
    if (raw.source === "t" && raw.techniqueSlug && raw.techniqueName) subject = { name: raw.techniqueName, href: `/techniques/${raw.techniqueSlug}` };
    if (raw.source === "p" && raw.paperId !== null && raw.paperTitle !== null) subject = { name: raw.paperTitle, href: `/papers/${raw.paperId}` };
    return {
      key: `${raw.source}${raw.id}`,
      source: raw.source === "t" ? "technique" : "paper",
      revisionId: raw.id,
      kind: raw.kind,
      title: describe(raw, names),
      subject,
      message: raw.message,
      authorName: raw.authorName,
      reviewerName: raw.reviewerName,
      reviewComment: raw.reviewComment,
      reviewedAt: raw.reviewedAt,
      cursor: `${raw.at}_${raw.source}${raw.id}`,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Reading the feed

/** A technique by its slug or by an old slug that redirects to it; null when neither exists. */
export async function findTechniqueForFeed(db: Database, slug: string): Promise<TechniqueRef | null> {
  const columns = { id: techniques.id, slug: techniques.slug, name: techniques.name };
  const [direct] = await db.select(columns).from(techniques).where(eq(techniques.slug, slug));
  if (direct) return direct;
  const [redirected] = await db
    .select(columns)
    .from(techniqueSlugRedirects)
    .innerJoin(techniques, eq(techniques.id, techniqueSlugRedirects.techniqueId))
    .where(eq(techniqueSlugRedirects.slug, slug));
  return redirected ?? null;
}

export interface ChangesPage {
  items: ChangeItem[];
  /** The cursor of the next (older) page, or null on the last page. */
  nextCursor: string | null;
  /** The technique the feed is filtered to (current name and slug), or null for every change. */
  technique: { slug: string; name: string } | null;
}

/**
 * One page of accepted changes, newest first. `technique` filters to one technique (by slug or an
 * old slug); an unknown technique gives null, so callers can answer 404.
 */
export async function listChanges(db: Database, input: { cursor?: string; technique?: string; limit?: number }): Promise<ChangesPage | null> {
  const limit = Math.min(Math.max(input.limit ?? CHANGES_PAGE_SIZE, 1), 100);
  const technique = input.technique === undefined ? undefined : await findTechniqueForFeed(db, input.technique);
  if (technique === null) return null;
  // One more than a page tells whether an older page exists.
  const raws = await readWindow(db, { techniqueId: technique?.id, olderThan: input.cursor ? parseCursor(input.cursor) : undefined, limit: limit + 1 });
  const items = await toItems(db, raws.slice(0, limit));
  return {
    items,
    nextCursor: raws.length > limit ? (items[items.length - 1]?.cursor ?? null) : null,
    technique: technique ? { slug: technique.slug, name: technique.name } : null,
  };
}

/** One technique's accepted changes in (since, until] (exact instants), newest first, at most `limit`. */
export async function changesBetween(db: Database, techniqueId: number, since: string, until: string, limit: number): Promise<ChangeItem[]> {
  return toItems(db, await readWindow(db, { techniqueId, newerThan: since, notAfter: until, limit }));
}
