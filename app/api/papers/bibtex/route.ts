import { getDb } from "~/server/db";
import { handlePapersBibtex } from "~/server/services/papers/bibtex-download";

/** Papers as a .bib file: ?ids=1,2,3 or ?technique=slug. */
export async function GET(req: Request): Promise<Response> {
  return handlePapersBibtex(req, getDb());
}
