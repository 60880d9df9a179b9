import { z } from "zod";
import { PAPER_RELATIONS } from "~/db/seed/data/types";
import { normalizeArxivId, normalizeDoi } from "./paper-identifiers";
import { slugSchema } from "./technique-input";

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === "" ? null : s))
    .nullish()
    .transform((s) => s ?? null);

export const paperLinkSchema = z.object({
  technique: slugSchema,
  relation: z.enum(PAPER_RELATIONS),
  note: optionalText(500),
});

export const newPaperSchema = z.object({
  title: z.string().trim().min(3, "Give the paper's title.").max(500),
  authors: z.array(z.string().trim().min(1, "An author's name is empty.").max(200)).min(1, "List at least one author.").max(200, "At most 200 authors."),
  year: z.number().int().min(1900, "The year looks wrong.").max(2100, "The year looks wrong.").nullish().transform((y) => y ?? null),
  venue: optionalText(300),
  abstract: z.string().trim().max(10_000).default(""),
  arxivId: optionalText(100).refine((v) => v === null || normalizeArxivId(v) !== null, "That is not an arXiv id; use a form like 2310.01405.").transform((v) => (v ? normalizeArxivId(v) : null)),
  doi: optionalText(300).refine((v) => v === null || normalizeDoi(v) !== null, "That is not a DOI; use a form like 10.18653/v1/2020.acl-main.647.").transform((v) => (v ? normalizeDoi(v) : null)),
  url: optionalText(1_000).refine((v) => v === null || /^https?:\/\//.test(v), "The URL must start with http:// or https://."),
  bibtex: optionalText(20_000),
  links: z.array(paperLinkSchema).max(30).default([]),
});
export type NewPaper = z.infer<typeof newPaperSchema>;

export const paperListSchema = z.object({
  query: z.string().trim().max(200).default(""),
  technique: slugSchema.optional(),
  yearFrom: z.number().int().min(1900).max(2100).optional(),
  yearTo: z.number().int().min(1900).max(2100).optional(),
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
});
export type PaperListInput = z.input<typeof paperListSchema>;

export const bibtexImportSchema = z.object({
  bibtex: z.string().trim().min(10, "Paste at least one BibTeX entry.").max(200_000, "At most 200,000 characters of BibTeX at once."),
  links: z.array(paperLinkSchema).max(30).default([]),
});
