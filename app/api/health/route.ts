import { createDatabaseMonitor, type DatabaseMonitor } from "~/server/services/health";
import { env, requireDatabaseUrl } from "~/server/env";

/**
 * /api/health under `next dev` (the production server, scripts/serve.ts, answers it before Next.js
 * with the same monitor). One monitor per process, kept across dev-mode module reloads.
 */
export const dynamic = "force-dynamic";

const globalForHealth = globalThis as unknown as { mechmapHealth?: DatabaseMonitor };

export async function GET(): Promise<Response> {
  globalForHealth.mechmapHealth ??= createDatabaseMonitor({ url: requireDatabaseUrl(), expectedInstallationId: env.MECHMAP_INSTALLATION_ID });
  const report = await globalForHealth.mechmapHealth.report();
  return Response.json(report, { status: report.database === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
}
