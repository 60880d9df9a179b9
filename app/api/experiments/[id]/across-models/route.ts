import { getSessionUser } from "~/server/auth/session";
import { getDb } from "~/server/db";
import { handleCrossModelExport } from "~/server/services/cross-model/export-http";

/** An experiment's across-models view (curves or agreement) as CSV or JSON, for the same URL state as the page. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return handleCrossModelExport(req, { db: getDb(), viewer: await getSessionUser(), id: (await params).id });
}
