import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { PAPER_RELATIONS } from "../seed/data/types";
import { tsvector } from "./custom-types";
import { techniques } from "./techniques";
import { users } from "./users";

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
    createdById: text("created_by_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    search: tsvector("search")
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english', coalesce("title", '')), 'A') || setweight(to_tsvector('simple', mechmap_join_text("authors")), 'B') || setweight(to_tsvector('english', coalesce("abstract", '')), 'C')`,
      ),
  },
  (t) => [
    uniqueIndex("papers_arxiv_id_uq").on(t.arxivId),
    uniqueIndex("papers_doi_uq").on(t.doi),
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
