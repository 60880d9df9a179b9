import { z } from "zod";
import { DomainError } from "../errors";
import { checkBibtexBounds } from "../render/bibtex-bounds";
import type { BibtexPaper } from "../render/bibtex-entries";
import { TaskWorker, TaskWorkerError } from "../render/task-worker";
import { newPaperSchema } from "./paper-input";

export type { BibtexPaper };

/** Wall time for parsing one paste, off the request thread. */
export const BIBTEX_BUDGET_MS = 3_000;

const worker = new TaskWorker({ module: "bibtex-worker.ts", maxHeapMb: 256, maxQueue: 8 });

const parsedSchema = z.union([
  z.object({
    papers: z.array(
      z.object({
        key: z.string(),
        title: z.string(),
        authors: z.array(z.string()),
        year: z.number().nullable(),
        venue: z.string().nullable(),
        abstract: z.string(),
        arxivId: z.string().nullable(),
        doi: z.string().nullable(),
        url: z.string().nullable(),
        bibtex: z.string(),
      }),
    ),
  }),
  z.object({ error: z.string() }),
]);

/** Each entry passes the same checks as the paper form (lengths, years, http/https URLs, no control characters). */
function validated(papers: BibtexPaper[]): BibtexPaper[] {
  return papers.map((paper) => {
    const result = newPaperSchema.safeParse({ ...paper, links: [] });
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue?.path[0] !== undefined ? String(issue.path[0]) : "entry";
      throw new DomainError("BAD_REQUEST", `The entry “${paper.key}” (${field}): ${issue?.message ?? "is not valid"}`);
    }
    const p = result.data;
    return { key: paper.key, title: p.title, authors: p.authors, year: p.year, venue: p.venue, abstract: p.abstract, arxivId: p.arxivId, doi: p.doi, url: p.url, bibtex: p.bibtex ?? paper.bibtex };
  });
}

function bounded(input: string): string {
  const text = input.normalize("NFC");
  const problem = checkBibtexBounds(text);
  if (problem) throw new DomainError("BAD_REQUEST", problem);
  return text;
}

/**
 * Reads a BibTeX paste into papers: bounded before parsing (entries, @string expansion), parsed in
 * a worker thread within a time budget, each entry validated like the paper form.
 */
export async function readBibtex(input: string): Promise<BibtexPaper[]> {
  const text = bounded(input);
  let output: unknown;
  try {
    output = await worker.run(text, BIBTEX_BUDGET_MS);
  } catch (error) {
    if (error instanceof TaskWorkerError) {
      throw new DomainError(error.causedByInput ? "BAD_REQUEST" : "TOO_MANY_REQUESTS", error.causedByInput ? `This BibTeX could not be read: ${error.message}. Import fewer entries at once.` : error.message);
    }
    throw error;
  }
  const parsed = parsedSchema.parse(output);
  if ("error" in parsed) throw new DomainError("BAD_REQUEST", parsed.error);
  return validated(parsed.papers);
}

/** Stops the BibTeX worker (tests and scripts that must exit promptly). */
export function closeBibtexReader(): Promise<void> {
  return worker.close();
}
