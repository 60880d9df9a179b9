import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { APPROACHES, DIRECTIONS, UNITS } from "../seed/data/types";
import { tsvector } from "./custom-types";
import { users } from "./users";

export const approach = pgEnum("technique_approach", APPROACHES);
export const direction = pgEnum("technique_direction", DIRECTIONS);
export const unitOfAnalysis = pgEnum("technique_unit", UNITS);

export const techniques = pgTable(
  "techniques",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    slug: text("slug").notNull().unique(),
    name: text("name").notNull(),
    summary: text("summary").notNull(),
    description: text("description").notNull().default(""),
    /**
     * The description rendered once, when it was accepted: sanitised HTML, or null when it could not
     * be rendered within the budget (pages then show the source with a notice; see renderError).
     */
    descriptionHtml: text("description_html"),
    descriptionRenderError: text("description_render_error"),
    aliases: text("aliases").array().notNull().default(sql`'{}'::text[]`),
    approach: approach("approach"),
    direction: direction("direction"),
    unit: unitOfAnalysis("unit"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /** Name and aliases weigh most, then the summary. */
    search: tsvector("search")
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english', coalesce("name", '')), 'A') || setweight(to_tsvector('english', mechmap_join_text("aliases")), 'A') || setweight(to_tsvector('english', coalesce("summary", '')), 'B')`,
      ),
  },
  (t) => [index("techniques_search_idx").using("gin", t.search)],
);

export const TECHNIQUE_RELATION_KINDS = ["kind_of", "uses", "alternative_to", "evaluates"] as const;
export type TechniqueRelationKind = (typeof TECHNIQUE_RELATION_KINDS)[number];
export const techniqueRelationKind = pgEnum("technique_relation_kind", TECHNIQUE_RELATION_KINDS);

/** Directed edges between techniques. For kind_of, from = parent and to = child; kind_of edges form a DAG. */
export const techniqueRelations = pgTable(
  "technique_relations",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    fromId: integer("from_id").notNull().references(() => techniques.id, { onDelete: "cascade" }),
    toId: integer("to_id").notNull().references(() => techniques.id, { onDelete: "cascade" }),
    kind: techniqueRelationKind("kind").notNull(),
  },
  (t) => [
    unique("technique_relations_edge_uq").on(t.fromId, t.toId, t.kind),
    index("technique_relations_to_idx").on(t.toId),
    check("technique_relations_no_self_loop", sql`${t.fromId} <> ${t.toId}`),
  ],
);

export const REVISION_STATUSES = ["pending", "accepted", "rejected"] as const;
export type RevisionStatus = (typeof REVISION_STATUSES)[number];
export const revisionStatus = pgEnum("revision_status", REVISION_STATUSES);

/**
 * A proposed edit of one technique. `changes` holds only the fields the author changed
 * (validated by the revision zod schema); `before` snapshots those fields at proposal time,
 * so history shows what changed even after later edits.
 */
export const techniqueRevisions = pgTable(
  "technique_revisions",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    techniqueId: integer("technique_id").notNull().references(() => techniques.id, { onDelete: "cascade" }),
    authorId: text("author_id").notNull().references(() => users.id),
    message: text("message").notNull(),
    changes: jsonb("changes").$type<Record<string, unknown>>().notNull(),
    before: jsonb("before").$type<Record<string, unknown>>().notNull(),
    status: revisionStatus("status").notNull().default("pending"),
    reviewerId: text("reviewer_id").references(() => users.id),
    reviewComment: text("review_comment"),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("technique_revisions_technique_idx").on(t.techniqueId, t.createdAt), index("technique_revisions_status_idx").on(t.status, t.createdAt)],
);
