import { getSessionUser } from "~/server/auth/session";
import { getDb } from "~/server/db";
import { clientIp } from "~/server/http/client-ip";
import { handleDatasetUpload } from "~/server/services/datasets/upload-http";

/** Upload a data set: the body is the raw CSV or JSONL file; see server/services/datasets/upload-http.ts. */
export async function POST(req: Request): Promise<Response> {
  return handleDatasetUpload(req, { db: getDb(), user: await getSessionUser(), clientIp: clientIp(req.headers) });
}
