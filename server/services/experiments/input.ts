import { z } from "zod";
import { claimsSchema } from "../../experiments/claims";
import { parseProbeSpec, type ProbeSpec } from "../../probes/spec";
import { idSchema, multiLine, singleLine } from "../../validation/text";
import { slugSchema } from "../technique-input";
import { EXPERIMENT_LIMITS } from "./limits";

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
  title: singleLine({ min: 3, max: EXPERIMENT_LIMITS.title, label: "The title", minMessage: "Give the experiment a title of at least 3 characters." }),
  question: multiLine({ max: EXPERIMENT_LIMITS.question, label: "The question" }).default(""),
  techniques: z.array(slugSchema).max(EXPERIMENT_LIMITS.techniques, `At most ${EXPERIMENT_LIMITS.techniques} techniques.`).default([]),
  paperIds: z.array(idSchema).max(EXPERIMENT_LIMITS.papers, `At most ${EXPERIMENT_LIMITS.papers} papers.`).default([]),
  spec: specInputSchema,
  claims: claimsSchema.default([]),
});
export type ExperimentContent = z.output<typeof experimentContentSchema>;

export const updateExperimentSchema = experimentContentSchema.extend({
  id: idSchema,
  /** What changed, shown in the version history (a published experiment's edit makes a new version). */
  changeNote: singleLine({ max: EXPERIMENT_LIMITS.changeNote, label: "The change note" }).default(""),
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
