import { getDb } from "~/server/db";
import { handleModelListExport } from "~/server/services/models/exports";

/** Every hosted model's facts and verdict counts as CSV or JSON (`?format=`), with the list page's `sort`, `order` and `status`. */
export async function GET(req: Request): Promise<Response> {
  return handleModelListExport(req, { db: getDb() });
}
