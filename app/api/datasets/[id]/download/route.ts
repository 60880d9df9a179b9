import { getDb } from "~/server/db";
import { handleDatasetDownload } from "~/server/services/datasets/download-http";

/** A stored data set as CSV or JSONL (data sets are public, like the experiments that use them). */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return handleDatasetDownload(req, { db: getDb(), id: (await params).id });
}
