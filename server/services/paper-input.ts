import { z } from "zod";
import type { PaperReviewStatus } from "~/db/schema/papers";
import { PAPER_RELATIONS } from "~/db/seed/data/types";
import { multiLine, singleLine } from "../validation/text";
import { normalizeArxivId, normalizeDoi } from "./paper-identifiers";
import { slugSchema } from "./technique-input";

/** Limits of a paper's fields, in one place: the forms set the same `maxLength`s. */
export const PAPER_LIMITS = {
  title: 500,
  author: 200,
  authors: 200,
  venue: 300,
  abstract: 10_000,
  arxivId: 100,
  doi: 300,
  url: 1_000,
  bibtex: 20_000,
  bibtexImport: 200_000,
  links: 30,
  note: 500,
  aliasName: 200,
} as const;

/** Optional text: empty or missing becomes null; control characters are refused with a field message. */
const optional = (text: z.ZodType<string, string>) =>
  text
    .nullish()
    .transform((s) => (s ? s : null));

const optionalLine = (max: number, label?: string) => optional(singleLine({ max, label }));

/** A note on a paper–technique link (one line). */
export const paperNoteSchema = optionalLine(PAPER_LIMITS.note, "The note");

export const paperLinkSchema = z.object({
  technique: slugSchema,
  relation: z.enum(PAPER_RELATIONS, { message: "Choose how the paper relates to the technique (introduces, applies, extends, critiques, evaluates or surveys)." }),
  note: paperNoteSchema,
});

export const newPaperSchema = z.object({
  title: singleLine({ min: 3, max: PAPER_LIMITS.title, label: "The title", minMessage: "Give the paper's title." }),
  authors: z
    .array(singleLine({ min: 1, max: PAPER_LIMITS.author, label: "An author's name", minMessage: "An author's name is empty." }))
    .min(1, "List at least one author.")
    .max(PAPER_LIMITS.authors, `At most ${PAPER_LIMITS.authors} authors.`),
  year: z.number().int().min(1900, "The year looks wrong.").max(2100, "The year looks wrong.").nullish().transform((y) => y ?? null),
  venue: optionalLine(PAPER_LIMITS.venue, "The venue"),
  abstract: multiLine({ max: PAPER_LIMITS.abstract, label: "The abstract" }).default(""),
  arxivId: optionalLine(PAPER_LIMITS.arxivId, "The arXiv id")
    .refine((v) => v === null || normalizeArxivId(v) !== null, "That is not an arXiv id; use a form like 2310.01405.")
    .transform((v) => (v ? normalizeArxivId(v) : null)),
  doi: optionalLine(PAPER_LIMITS.doi, "The DOI")
    .refine((v) => v === null || normalizeDoi(v) !== null, "That is not a DOI; use a form like 10.18653/v1/2020.acl-main.647.")
    .transform((v) => (v ? normalizeDoi(v) : null)),
  url: optionalLine(PAPER_LIMITS.url, "The URL").refine((v) => v === null || /^https?:\/\//i.test(v), "The URL must start with http:// or https://."),
  bibtex: optional(multiLine({ max: PAPER_LIMITS.bibtex, label: "The BibTeX" })),
  links: z.array(paperLinkSchema).max(PAPER_LIMITS.links, `Link at most ${PAPER_LIMITS.links} techniques at once.`).default([]),
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
    .max(PAPER_LIMITS.bibtexImport, "At most 200,000 characters of BibTeX at once.")
    .pipe(multiLine({ min: 10, max: PAPER_LIMITS.bibtexImport, label: "The BibTeX", minMessage: "Paste at least one BibTeX entry." })),
  links: z.array(paperLinkSchema).max(PAPER_LIMITS.links, `Link at most ${PAPER_LIMITS.links} techniques at once.`).default([]),
  /** The person checked the possible duplicates of these entries and wants them added anyway. */
  confirmNotDuplicate: z.boolean().default(false),
});

/** Another name an author published under (e.g. after a name change). */
export const authorAliasSchema = z.object({
  name: singleLine({ min: 2, max: PAPER_LIMITS.aliasName, label: "The name", minMessage: "Give the name as it appears on papers." }),
  alias: singleLine({ min: 2, max: PAPER_LIMITS.aliasName, label: "The other name", minMessage: "Give the other name." }),
});
