import { getSessionUser } from "~/server/auth/session";
import { getDb } from "~/server/db";
import { handleMetricsDownload } from "~/server/services/runs/download-http";

/** A finished run's metrics as JSON (default) or CSV. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return handleMetricsDownload(req, { db: getDb(), viewer: await getSessionUser(), id: (await params).id });
}
