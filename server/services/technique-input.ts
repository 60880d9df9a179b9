import { z } from "zod";
import { APPROACHES, DIRECTIONS, UNITS } from "~/db/seed/data/types";

export const slugSchema = z
  .string()
  .trim()
  .min(2, "A slug needs at least 2 characters.")
  .max(80, "A slug has at most 80 characters.")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Use lowercase letters, digits and single hyphens, e.g. logit-lens.");

/** Fields a revision may change. Every field is optional; at least one must differ from the current value. */
export const techniqueChangesSchema = z
  .object({
    name: z.string().trim().min(2, "The name is too short.").max(120, "The name has at most 120 characters."),
    summary: z.string().trim().min(10, "Write a one-line summary of at least 10 characters.").max(300, "Keep the summary to one line (300 characters)."),
    description: z.string().max(20_000, "The description has at most 20,000 characters."),
    aliases: z.array(z.string().trim().min(1).max(80)).max(20, "At most 20 aliases."),
    approach: z.enum(APPROACHES).nullable(),
    direction: z.enum(DIRECTIONS).nullable(),
    unit: z.enum(UNITS).nullable(),
    parents: z.array(slugSchema).max(8, "At most 8 parents."),
  })
  .partial()
  .strict();

export type TechniqueChanges = z.infer<typeof techniqueChangesSchema>;

export const proposeRevisionSchema = z.object({
  slug: slugSchema,
  changes: techniqueChangesSchema,
  message: z.string().trim().min(5, "Say in a few words why this edit is right (at least 5 characters).").max(2_000),
});

export const reviewRevisionSchema = z.object({
  revisionId: z.number().int().positive(),
  decision: z.enum(["accept", "reject"]),
  comment: z.string().trim().max(2_000).default(""),
});
