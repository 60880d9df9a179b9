import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { eq, lt, sql } from "drizzle-orm";
import type { Database } from "~/db/client";
import { installation, workerHeartbeats } from "~/db/schema";
import { describeDatabase, explainConnectError, InstallationMismatchError } from "~/db/installation";

export interface Heartbeat {
  id: string;
  stop: () => Promise<void>;
}

/**
 * Writes this worker's row in worker_heartbeats every few seconds (for /api/health), and checks
 * each time that the database is still this installation's: after an outage another server may
 * answer on the same address, and a worker must not take its jobs.
 */
export function startHeartbeat(
  db: Database,
  options: {
    databaseUrl: string;
    activeJobs: () => number;
    installationId?: string;
    intervalMs?: number;
    onWrongDatabase: (error: Error) => void;
    log: (line: string) => void;
  },
): Heartbeat {
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  let down = false;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const beat = async () => {
    try {
      if (options.installationId) {
        const [row] = await db.select({ id: installation.id }).from(installation).limit(1);
        if (row?.id !== options.installationId) {
          stopped = true;
          options.onWrongDatabase(new InstallationMismatchError(options.installationId, row?.id ?? null, describeDatabase(options.databaseUrl)));
          return;
        }
      }
      const now = new Date();
      const values = { id, hostname: hostname(), pid: process.pid, seenAt: now, activeJobs: options.activeJobs() };
      await db.insert(workerHeartbeats).values(values).onConflictDoUpdate({ target: workerHeartbeats.id, set: { seenAt: now, activeJobs: values.activeJobs } });
      // Rows of workers gone for a day are history, not state.
      await db.delete(workerHeartbeats).where(lt(workerHeartbeats.seenAt, sql`now() - interval '1 day'`));
      if (down) options.log("database reachable again");
      down = false;
    } catch (error) {
      if ((error as { code?: string }).code === "28P01") {
        stopped = true;
        options.onWrongDatabase(explainConnectError(error, options.databaseUrl));
        return;
      }
      if (!down) options.log(`database unreachable (${error instanceof Error ? error.message : String(error)}); retrying`);
      down = true;
    }
  };
  running = beat();
  const timer = setInterval(() => {
    if (!stopped) running = running.then(beat);
  }, options.intervalMs ?? 5_000);
  return {
    id,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
      await db.delete(workerHeartbeats).where(eq(workerHeartbeats.id, id)).catch(() => {});
    },
  };
}
