import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, unique } from "drizzle-orm/pg-core";
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

export const TECHNIQUE_RELATION_KINDS = ["kind_of", "uses", "alternative_to", "evaluates", "refines"] as const;
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
 * What a proposal does: edit one technique's fields, create a new technique, add/remove relations,
 * merge one technique into another, or rename (new name and/or slug; old slugs redirect).
 */
export const REVISION_KINDS = ["edit", "create", "relations", "merge", "rename"] as const;
export type RevisionKind = (typeof REVISION_KINDS)[number];
export const revisionKind = pgEnum("revision_kind", REVISION_KINDS);

/**
 * A proposed change to the taxonomy (see REVISION_KINDS); `techniqueId` is the technique it is about
 * (null for a "create" until it is accepted, then the new technique). `changes` holds only the fields the author changed
 * (validated by the revision zod schema); `before` snapshots those fields at proposal time,
 * so history shows what changed even after later edits.
 */
export const techniqueRevisions = pgTable(
  "technique_revisions",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    techniqueId: integer("technique_id").references(() => techniques.id, { onDelete: "cascade" }),
    kind: revisionKind("kind").notNull().default("edit"),
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
  (t) => [
    index("technique_revisions_technique_idx").on(t.techniqueId, t.createdAt),
    index("technique_revisions_status_idx").on(t.status, t.createdAt),
    index("technique_revisions_reviewed_idx").on(t.status, t.reviewedAt),
  ],
);

/** Old slugs of renamed or merged techniques: /techniques/<old> redirects to the technique. */
export const techniqueSlugRedirects = pgTable("technique_slug_redirects", {
  slug: text("slug").primaryKey(),
  techniqueId: integer("technique_id")
    .notNull()
    .references(() => techniques.id, { onDelete: "cascade" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** A member watching a technique; `lastSeenAt` marks their last visit, so the page can list what changed since. */
export const techniqueWatches = pgTable(
  "technique_watches",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    techniqueId: integer("technique_id")
      .notNull()
      .references(() => techniques.id, { onDelete: "cascade" }),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.techniqueId] }), index("technique_watches_technique_idx").on(t.techniqueId)],
);
