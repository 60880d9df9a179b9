import { z } from "zod";
import { APPROACHES, DIRECTIONS, UNITS } from "~/db/seed/data/types";

/** Limits of a technique's fields, in one place: forms set the same `maxLength`s. */
export const TECHNIQUE_LIMITS = {
  slug: 80,
  name: 120,
  summary: 300,
  description: 20_000,
  alias: 80,
  aliases: 20,
  parents: 8,
  message: 2_000,
} as const;

export const slugSchema = z
  .string()
  .trim()
  .min(2, "A slug needs at least 2 characters.")
  .max(TECHNIQUE_LIMITS.slug, `A slug has at most ${TECHNIQUE_LIMITS.slug} characters.`)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Use lowercase letters, digits and single hyphens, e.g. logit-lens.");

/** Each field of a technique as people may set it (edits and new techniques alike). */
export const techniqueFieldSchemas = {
  name: z.string().trim().min(2, "The name is too short.").max(TECHNIQUE_LIMITS.name, `The name has at most ${TECHNIQUE_LIMITS.name} characters.`),
  summary: z
    .string()
    .trim()
    .min(10, "Write a one-line summary of at least 10 characters.")
    .max(TECHNIQUE_LIMITS.summary, `Keep the summary to one line (${TECHNIQUE_LIMITS.summary} characters).`),
  description: z.string().max(TECHNIQUE_LIMITS.description, "The description has at most 20,000 characters."),
  aliases: z
    .array(z.string().trim().min(1, "An alias cannot be empty.").max(TECHNIQUE_LIMITS.alias, `An alias has at most ${TECHNIQUE_LIMITS.alias} characters.`))
    .max(TECHNIQUE_LIMITS.aliases, `At most ${TECHNIQUE_LIMITS.aliases} aliases.`),
  approach: z.enum(APPROACHES, { message: "Choose one of the listed approaches." }).nullable(),
  direction: z.enum(DIRECTIONS, { message: "Choose one of the listed directions." }).nullable(),
  unit: z.enum(UNITS, { message: "Choose one of the listed units." }).nullable(),
  parents: z.array(slugSchema).max(TECHNIQUE_LIMITS.parents, `At most ${TECHNIQUE_LIMITS.parents} parents.`),
};

/** Fields a revision may change. Every field is optional; at least one must differ from the current value. */
export const techniqueChangesSchema = z.object(techniqueFieldSchemas).partial().strict();

export type TechniqueChanges = z.infer<typeof techniqueChangesSchema>;

/** Why the proposal is right: every kind of proposal asks for it. */
export const proposalMessageSchema = z
  .string()
  .trim()
  .min(5, "Say in a few words why this change is right (at least 5 characters).")
  .max(TECHNIQUE_LIMITS.message, `Keep the reason to ${TECHNIQUE_LIMITS.message.toLocaleString("en-US")} characters.`);

export const proposeRevisionSchema = z.object({
  slug: slugSchema,
  changes: techniqueChangesSchema,
  message: proposalMessageSchema,
});

export const reviewRevisionSchema = z.object({
  revisionId: z.number().int().positive(),
  decision: z.enum(["accept", "reject"]),
  comment: z.string().trim().max(2_000, "Keep the comment to 2,000 characters.").default(""),
});
