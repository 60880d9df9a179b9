import { z } from "zod";
import { claimsSchema } from "../../experiments/claims";
import { parseProbeSpec, type ProbeSpec } from "../../probes/spec";
import { MAX_MARKDOWN_CHARS } from "../../render/markdown";
import { idSchema, multiLine, singleLine } from "../../validation/text";
import { slugSchema } from "../technique-input";

/**
 * What an author writes: the experiment's content (title, question, techniques, papers, spec,
 * claims). The spec is validated by the probe engine's own schema, so the form shows the same
 * messages a worker would give.
 */

/** The spec as JSON (an object, or its text), parsed by `parseProbeSpec`; each problem is one message. */
export const specInputSchema = z.unknown().transform((value, ctx): ProbeSpec => {
  const parsed = parseProbeSpec(value);
  if (!parsed.ok) {
    for (const message of parsed.errors.slice(0, 20)) ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  }
  return parsed.spec;
});

export const experimentContentSchema = z.object({
  title: singleLine({ min: 3, max: 200, label: "The title", minMessage: "Give the experiment a title of at least 3 characters." }),
  question: multiLine({ max: MAX_MARKDOWN_CHARS, label: "The question" }).default(""),
  techniques: z.array(slugSchema).max(20, "At most 20 techniques.").default([]),
  paperIds: z.array(idSchema).max(50, "At most 50 papers.").default([]),
  spec: specInputSchema,
  claims: claimsSchema.default([]),
});
export type ExperimentContent = z.output<typeof experimentContentSchema>;

export const updateExperimentSchema = experimentContentSchema.extend({
  id: idSchema,
  /** What changed, shown in the version history (a published experiment's edit makes a new version). */
  changeNote: singleLine({ max: 500, label: "The change note" }).default(""),
});
export type UpdateExperimentInput = z.output<typeof updateExperimentSchema>;

export const experimentListSchema = z.object({
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
  /** Only experiments whose latest version exercises this technique. */
  technique: slugSchema.optional(),
});
export type ExperimentListInput = z.output<typeof experimentListSchema>;

export const experimentByIdSchema = z.object({
  id: idSchema,
  /** A version number; the latest when absent. */
  version: z.number().int("A version is a whole number.").min(1, "Versions start at 1.").max(100_000).optional(),
});
