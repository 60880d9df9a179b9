import { z } from "zod";
import type { PaperReviewStatus } from "~/db/schema/papers";
import { PAPER_RELATIONS } from "~/db/seed/data/types";
import { multiLine, singleLine } from "../validation/text";
import { normalizeArxivId, normalizeDoi } from "./paper-identifiers";
import { slugSchema } from "./technique-input";

/** Optional text: empty or missing becomes null; control characters are refused with a field message. */
const optional = (text: z.ZodType<string, string>) =>
  text
    .nullish()
    .transform((s) => (s ? s : null));

const optionalLine = (max: number, label?: string) => optional(singleLine({ max, label }));

/** A note on a paper–technique link (one line). */
export const paperNoteSchema = optionalLine(500, "The note");

export const paperLinkSchema = z.object({
  technique: slugSchema,
  relation: z.enum(PAPER_RELATIONS),
  note: paperNoteSchema,
});

export const newPaperSchema = z.object({
  title: singleLine({ min: 3, max: 500, label: "The title", minMessage: "Give the paper's title." }),
  authors: z
    .array(singleLine({ min: 1, max: 200, label: "An author's name", minMessage: "An author's name is empty." }))
    .min(1, "List at least one author.")
    .max(200, "At most 200 authors."),
  year: z.number().int().min(1900, "The year looks wrong.").max(2100, "The year looks wrong.").nullish().transform((y) => y ?? null),
  venue: optionalLine(300, "The venue"),
  abstract: multiLine({ max: 10_000, label: "The abstract" }).default(""),
  arxivId: optionalLine(100)
    .refine((v) => v === null || normalizeArxivId(v) !== null, "That is not an arXiv id; use a form like 2310.01405.")
    .transform((v) => (v ? normalizeArxivId(v) : null)),
  doi: optionalLine(300)
    .refine((v) => v === null || normalizeDoi(v) !== null, "That is not a DOI; use a form like 10.18653/v1/2020.acl-main.647.")
    .transform((v) => (v ? normalizeDoi(v) : null)),
  url: optionalLine(1_000, "The URL").refine((v) => v === null || /^https?:\/\//i.test(v), "The URL must start with http:// or https://."),
  bibtex: optional(multiLine({ max: 20_000, label: "The BibTeX" })),
  links: z.array(paperLinkSchema).max(30).default([]),
  /** Set after the person saw the possible duplicates (same title, year and first author) and says this is another paper. */
  confirmNotDuplicate: z.boolean().default(false),
});
export type NewPaper = z.infer<typeof newPaperSchema>;

// Spelled out rather than imported: client components import this file, and the schema module would pull drizzle into their bundle.
const REVIEW_STATUSES = ["unreviewed", "approved"] as const satisfies readonly PaperReviewStatus[];

/** Newest and oldest sort by year; relevance applies to searches (without search text it means newest). */
export const PAPER_SORTS = ["relevance", "newest", "oldest", "title"] as const;
export type PaperSort = (typeof PAPER_SORTS)[number];

export const paperListSchema = z.object({
  query: singleLine({ max: 200, label: "The search" }).default(""),
  /** Default: relevance when searching, newest otherwise. */
  sort: z.enum(PAPER_SORTS).optional(),
  status: z.enum(REVIEW_STATUSES).optional(),
  technique: slugSchema.optional(),
  yearFrom: z.number().int().min(1900).max(2100).optional(),
  yearTo: z.number().int().min(1900).max(2100).optional(),
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
});
export type PaperListInput = z.input<typeof paperListSchema>;

export const bibtexImportSchema = z.object({
  bibtex: z
    .string()
    .max(200_000, "At most 200,000 characters of BibTeX at once.")
    .pipe(multiLine({ min: 10, max: 200_000, minMessage: "Paste at least one BibTeX entry." })),
  links: z.array(paperLinkSchema).max(30).default([]),
  /** The person checked the possible duplicates of these entries and wants them added anyway. */
  confirmNotDuplicate: z.boolean().default(false),
});

/** Another name an author published under (e.g. after a name change). */
export const authorAliasSchema = z.object({
  name: singleLine({ min: 2, max: 200, label: "The name", minMessage: "Give the name as it appears on papers." }),
  alias: singleLine({ min: 2, max: 200, label: "The other name", minMessage: "Give the other name." }),
});
