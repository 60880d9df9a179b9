import { z } from "zod";
import type { TechniqueRelationKind } from "~/db/schema/techniques";
import { PAPER_RELATIONS } from "~/db/seed/data/types";
import { proposalMessageSchema, slugSchema, techniqueChangesSchema, techniqueFieldSchemas } from "../technique-input";

// Client components import this file (forms take limits and options from it): zod and constants only.

const idSchema = z.number({ message: "Choose a paper from the list." }).int().min(1).max(2_147_483_647);

/** How a paper relates to the technique; there is no default, the person picks one. */
export const paperRelationSchema = z.enum(PAPER_RELATIONS, { message: "Choose how the paper relates to the technique (introduces, applies, extends, critiques, evaluates or surveys)." });

export const MAX_PAPERS_PER_NEW_TECHNIQUE = 30;

/** A new technique as proposed: the same field rules as edits, plus its slug and papers. */
export const newTechniqueSchema = z
  .object({
    slug: slugSchema,
    name: techniqueFieldSchemas.name,
    summary: techniqueFieldSchemas.summary,
    description: techniqueFieldSchemas.description.default(""),
    aliases: techniqueFieldSchemas.aliases.default([]),
    approach: techniqueFieldSchemas.approach.default(null),
    direction: techniqueFieldSchemas.direction.default(null),
    unit: techniqueFieldSchemas.unit.default(null),
    parents: techniqueFieldSchemas.parents.default([]),
    papers: z
      .array(z.object({ paperId: idSchema, relation: paperRelationSchema }).strict())
      .max(MAX_PAPERS_PER_NEW_TECHNIQUE, `At most ${MAX_PAPERS_PER_NEW_TECHNIQUE} papers.`)
      .default([]),
  })
  .strict();
export type NewTechnique = z.output<typeof newTechniqueSchema>;

export const proposeCreateSchema = z.object({ technique: newTechniqueSchema, message: proposalMessageSchema });

// Spelled out rather than imported: the schema module would pull drizzle into client bundles.
export const RELATION_KINDS = ["kind_of", "uses", "alternative_to", "evaluates", "refines"] as const satisfies readonly TechniqueRelationKind[];

export const relationKindSchema = z.enum(RELATION_KINDS, { message: "Choose a kind of relation from the list." });

/** One directed relation by slugs: for kind_of, `from` is the parent and `to` the child. */
export const relationRefSchema = z.object({ from: slugSchema, to: slugSchema, kind: relationKindSchema }).strict();
export type RelationRef = z.output<typeof relationRefSchema>;

export const MAX_RELATION_CHANGES = 20;

export const proposeRelationsSchema = z
  .object({
    add: z.array(relationRefSchema).max(MAX_RELATION_CHANGES, `At most ${MAX_RELATION_CHANGES} relations to add in one proposal.`).default([]),
    remove: z.array(relationRefSchema).max(MAX_RELATION_CHANGES, `At most ${MAX_RELATION_CHANGES} relations to remove in one proposal.`).default([]),
    /** The technique whose page it was proposed from: its history lists the proposal. */
    subject: slugSchema.optional(),
    message: proposalMessageSchema,
  })
  .refine((v) => v.add.length + v.remove.length > 0, { message: "Add or remove at least one relation.", path: ["add"] });

/** Merge `source` into `target`: the source's papers, experiments, relations and history move; its slug redirects. */
export const proposeMergeSchema = z
  .object({ source: slugSchema, target: slugSchema, message: proposalMessageSchema })
  .refine((v) => v.source !== v.target, { message: "Choose another technique to merge into: a technique cannot be merged into itself.", path: ["target"] });

export const proposeRenameSchema = z
  .object({ slug: slugSchema, name: techniqueFieldSchemas.name.optional(), newSlug: slugSchema.optional(), message: proposalMessageSchema })
  .refine((v) => v.name !== undefined || v.newSlug !== undefined, { message: "Give a new name, a new slug, or both.", path: ["name"] });

/** What the author sees before submitting; nothing is saved. */
export const previewSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("edit"), slug: slugSchema, changes: techniqueChangesSchema }),
  z.object({ kind: z.literal("create"), technique: newTechniqueSchema }),
]);
export type PreviewInput = z.output<typeof previewSchema>;
