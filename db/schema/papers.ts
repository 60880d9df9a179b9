import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { PAPER_RELATIONS } from "../seed/data/types";
import { tsvector } from "./custom-types";
import { revisionStatus, techniques } from "./techniques";
import { users } from "./users";

/** Member-added papers stay "unreviewed" until a moderator approves them; seeded and moderator-added ones are approved. */
export const PAPER_REVIEW_STATUSES = ["unreviewed", "approved"] as const;
export type PaperReviewStatus = (typeof PAPER_REVIEW_STATUSES)[number];
export const paperReviewStatus = pgEnum("paper_review_status", PAPER_REVIEW_STATUSES);

export const papers = pgTable(
  "papers",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    title: text("title").notNull(),
    /** In author order. */
    authors: text("authors").array().notNull(),
    year: integer("year"),
    venue: text("venue"),
    abstract: text("abstract").notNull().default(""),
    /** Without version suffix, e.g. 2310.01405. */
    arxivId: text("arxiv_id"),
    /** Lower-cased, without the https://doi.org/ prefix. */
    doi: text("doi"),
    url: text("url"),
    bibtex: text("bibtex"),
    /** Citation key for `[@key]` in Markdown, e.g. arditi2024 (first author's surname + year, a/b/… on collisions). */
    citeKey: text("cite_key"),
    /** Normalised title + year + first author's surname: finds duplicates that have no arXiv id or DOI. */
    dedupeKey: text("dedupe_key"),
    reviewStatus: paperReviewStatus("review_status").notNull().default("approved"),
    reviewedById: text("reviewed_by_id").references(() => users.id),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    createdById: text("created_by_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    search: tsvector("search")
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english', mechmap_unaccent(coalesce("title", ''))), 'A') || setweight(to_tsvector('simple', mechmap_unaccent(mechmap_join_text("authors"))), 'B') || setweight(to_tsvector('english', mechmap_unaccent(coalesce("abstract", ''))), 'C')`,
      ),
  },
  (t) => [
    uniqueIndex("papers_arxiv_id_uq").on(t.arxivId),
    uniqueIndex("papers_doi_uq").on(t.doi),
    uniqueIndex("papers_cite_key_uq").on(t.citeKey),
    index("papers_dedupe_key_idx").on(t.dedupeKey),
    index("papers_review_status_idx").on(t.reviewStatus, t.createdAt),
    index("papers_search_idx").using("gin", t.search),
    // Serves the default listing order (newest first, then title) without sorting the table.
    index("papers_listing_idx").on(t.year.desc(), t.title, t.id),
  ],
);

export const paperRelation = pgEnum("paper_relation", PAPER_RELATIONS);

export const paperTechniques = pgTable(
  "paper_techniques",
  {
    paperId: integer("paper_id").notNull().references(() => papers.id, { onDelete: "cascade" }),
    techniqueId: integer("technique_id").notNull().references(() => techniques.id, { onDelete: "cascade" }),
    relation: paperRelation("relation").notNull(),
    note: text("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.paperId, t.techniqueId, t.relation] }), index("paper_techniques_technique_idx").on(t.techniqueId)],
);

/**
 * Other names an author has published under ("Nina Rimsky" ↔ "Nina Panickssery"): a search for
 * either name finds papers listed under the other. Names are stored NFC-normalised.
 */
export const authorAliases = pgTable(
  "author_aliases",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    /** The name as it appears on papers. */
    name: text("name").notNull(),
    /** Another name of the same person. */
    alias: text("alias").notNull(),
    createdById: text("created_by_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("author_aliases_pair_uq").on(t.name, t.alias), index("author_aliases_alias_idx").on(t.alias)],
);

/** What a paper proposal does: correct metadata, or link/unlink the paper and a technique. */
export const PAPER_REVISION_KINDS = ["metadata", "link", "unlink"] as const;
export type PaperRevisionKind = (typeof PAPER_REVISION_KINDS)[number];
export const paperRevisionKind = pgEnum("paper_revision_kind", PAPER_REVISION_KINDS);

/**
 * A proposed change to a paper, reviewed like technique edits: `changes` holds the proposed fields
 * (metadata) or the link ({ techniqueId, relation, note }); `before` snapshots what it replaces.
 */
export const paperRevisions = pgTable(
  "paper_revisions",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    paperId: integer("paper_id")
      .notNull()
      .references(() => papers.id, { onDelete: "cascade" }),
    kind: paperRevisionKind("kind").notNull(),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id),
    message: text("message").notNull(),
    changes: jsonb("changes").$type<Record<string, unknown>>().notNull(),
    before: jsonb("before").$type<Record<string, unknown>>().notNull(),
    status: revisionStatus("status").notNull().default("pending"),
    reviewerId: text("reviewer_id").references(() => users.id),
    reviewComment: text("review_comment"),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("paper_revisions_paper_idx").on(t.paperId, t.createdAt), index("paper_revisions_status_idx").on(t.status, t.createdAt)],
);
