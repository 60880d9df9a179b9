import { getDb } from "~/server/db";
import { handleModelRunsExport } from "~/server/services/models/exports";

/** One model's facts and the runs of published experiments on it, as CSV or JSON (`?format=`). */
export async function GET(req: Request, { params }: { params: Promise<{ name: string }> }): Promise<Response> {
  return handleModelRunsExport(req, { db: getDb(), name: (await params).name });
}
