import { z } from "zod";
import { idSchema, multiLine } from "../../validation/text";
import { newPaperSchema, PAPER_LIMITS, paperNoteSchema } from "../paper-input";
import { paperRelationSchema } from "../proposals/input";
import { slugSchema, TECHNIQUE_LIMITS } from "../technique-input";

// Client components import this file (the paper page's forms take limits and options from it): zod and constants only.

const paperIdSchema = z
  .number({ message: "Choose a paper by its id." })
  .int("A paper id is a whole number.")
  .min(1, "A paper id is a positive whole number.")
  .max(2_147_483_647, "No paper has an id this large.");

/** The fields a metadata correction may change, in the order they are shown. */
export const PAPER_METADATA_FIELDS = ["title", "authors", "year", "venue", "abstract", "arxivId", "doi", "url", "bibtex"] as const;
export type PaperMetadataField = (typeof PAPER_METADATA_FIELDS)[number];

export const PAPER_FIELD_LABELS: Record<PaperMetadataField, string> = {
  title: "Title",
  authors: "Authors",
  year: "Year",
  venue: "Venue",
  abstract: "Abstract",
  arxivId: "arXiv id",
  doi: "DOI",
  url: "URL",
  bibtex: "BibTeX",
};

/** The forms' limits: the paper form's (paper-input.ts), and the reason's as for technique proposals. */
export { PAPER_LIMITS } from "../paper-input";

const paper = newPaperSchema.shape;

/**
 * A correction: any of the paper's fields, validated exactly as when adding a paper (trimmed,
 * NFC-normalised, identifiers normalised; empty optional fields become null). Fields left out
 * keep their value; at least one given field must differ from the paper's current value.
 */
export const paperMetadataChangesSchema = z
  .object({
    title: paper.title,
    authors: paper.authors,
    year: paper.year,
    venue: paper.venue,
    // Without the new-paper default (""), so a correction that leaves the abstract out keeps it.
    abstract: multiLine({ max: PAPER_LIMITS.abstract, label: "The abstract" }),
    arxivId: paper.arxivId,
    doi: paper.doi,
    url: paper.url,
    bibtex: paper.bibtex,
  })
  .partial()
  .strict();
export type PaperMetadataChanges = z.output<typeof paperMetadataChangesSchema>;

/** Why the change is right: like technique proposals, but NFC-normalised as all paper text is. */
export const paperProposalMessageSchema = multiLine({
  min: 5,
  max: TECHNIQUE_LIMITS.message,
  label: "The reason",
  minMessage: "Say in a few words why this change is right (at least 5 characters).",
});

export const proposePaperMetadataSchema = z.object({ paperId: paperIdSchema, changes: paperMetadataChangesSchema, message: paperProposalMessageSchema });

/** Link the paper to a technique: the relation has no default, the person picks one. */
export const proposePaperLinkSchema = z.object({ paperId: paperIdSchema, technique: slugSchema, relation: paperRelationSchema, note: paperNoteSchema, message: paperProposalMessageSchema });

/** Remove one existing link (a paper may be linked to a technique under several relations). */
export const proposePaperUnlinkSchema = z.object({ paperId: paperIdSchema, technique: slugSchema, relation: paperRelationSchema, message: paperProposalMessageSchema });

export const reviewPaperRevisionSchema = z.object({
  revisionId: idSchema,
  decision: z.enum(["accept", "reject"], { message: "Choose accept or reject." }),
  comment: multiLine({ max: 2_000, label: "The comment" }).default(""),
});

export const paperRevisionPageSchema = z.object({ page: z.number().int().min(1).max(10_000).default(1) }).default({ page: 1 });
export const paperRevisionsOfPaperSchema = z.object({ paperId: paperIdSchema, page: z.number().int().min(1).max(10_000).default(1) });
