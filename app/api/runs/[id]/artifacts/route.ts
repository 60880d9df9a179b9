import { getSessionUser } from "~/server/auth/session";
import { getDb } from "~/server/db";
import { handleArtifactsDownload } from "~/server/services/runs/download-http";

/** A finished run's artifacts: all as .safetensors (default), or one as .npy (?format=npy&name=…). */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return handleArtifactsDownload(req, { db: getDb(), viewer: await getSessionUser(), id: (await params).id });
}
