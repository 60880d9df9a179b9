import { getDb } from "~/server/db";
import { handleCompareExport } from "~/server/services/compare/export";

/** The compare matrix as CSV (one line per experiment × model) or JSON, with the page's filters. Public, like the page. */
export async function GET(req: Request): Promise<Response> {
  return handleCompareExport(req, { db: getDb() });
}
