import postgres from "postgres";
import { z } from "zod";
import { describeDatabase, explainConnectError, InstallationMismatchError } from "~/db/installation";

/** What /api/health answers: 200 when the database is this installation's and answering, else 503. */
export interface HealthReport {
  web: "ok";
  database: "ok" | "down";
  installation: "ok" | "unchecked" | "mismatch";
  worker: { seen: number; lastSeenSecondsAgo: number | null };
  /** Why the database is not usable, when it is not. */
  detail?: string;
}

export interface DatabaseState {
  database: "ok" | "down";
  installation: HealthReport["installation"];
  detail?: string;
}

export interface DatabaseMonitor {
  /** The last known state: cheap, for gating every request. */
  state: () => DatabaseState;
  /** Checks now (or joins the check in flight) and returns the new state. */
  check: () => Promise<DatabaseState>;
  /** Asks for a check soon, e.g. after a request failed: a failure seen by a request flips the state within moments. */
  checkSoon: () => void;
  report: () => Promise<HealthReport>;
  stop: () => Promise<void>;
}

/** Workers seen within this many seconds count as running. */
const WORKER_FRESH_SECONDS = 30;
const workersRow = z.object({ seen: z.coerce.number(), ago: z.coerce.number().nullable() });

/**
 * Keeps a cheap, current answer to "can this process use its database?": a query every
 * `intervalMs` on a dedicated one-connection pool (so a busy app pool never delays it), which also
 * checks the installation id when one is expected. postgres.js reconnects on its own after an
 * outage; the state turns "ok" again on the first check that succeeds.
 */
export function createDatabaseMonitor(options: {
  url: string;
  expectedInstallationId?: string;
  intervalMs?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}): DatabaseMonitor {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const client = () => postgres(options.url, { max: 1, connect_timeout: Math.ceil(timeoutMs / 1000), idle_timeout: 0, onnotice: () => {} });
  let sql = client();
  /** Bumped when a check is abandoned, so its late answer is ignored. */
  let generation = 0;
  const unchecked = options.expectedInstallationId ? "ok" : "unchecked";
  let current: DatabaseState = { database: "ok", installation: unchecked };
  let inFlight: Promise<DatabaseState> | null = null;
  let lastCheck = 0;

  const set = (next: DatabaseState) => {
    if (next.database !== current.database || next.installation !== current.installation) {
      options.log?.(next.database === "ok" ? "database available again" : `database unavailable: ${next.detail ?? "no answer"}`);
    }
    current = next;
    return next;
  };

  const probe = async (): Promise<DatabaseState> => {
    try {
      if (!options.expectedInstallationId) {
        await sql`select 1`;
        return { database: "ok", installation: "unchecked" };
      }
      const rows = await sql<{ id: string }[]>`select id from installation order by created_at limit 1`;
      const found = rows[0]?.id ?? null;
      if (found !== options.expectedInstallationId) {
        return { database: "down", installation: "mismatch", detail: new InstallationMismatchError(options.expectedInstallationId, found, describeDatabase(options.url)).message };
      }
      return { database: "ok", installation: "ok" };
    } catch (error) {
      const explained = explainConnectError(error, options.url);
      const mismatch = (error as { code?: string }).code === "28P01";
      return { database: "down", installation: mismatch ? "mismatch" : unchecked, detail: explained.message };
    }
  };

  const check = (): Promise<DatabaseState> => {
    if (inFlight) return inFlight;
    lastCheck = Date.now();
    const mine = ++generation;
    let timer: NodeJS.Timeout | undefined;
    // A check with no answer in time (server stopped or gone mid-query) counts as down, and its
    // connection is dropped: a query stuck on a dead connection must never stall later checks.
    const slow = new Promise<DatabaseState>((resolve) => {
      timer = setTimeout(() => {
        if (mine !== generation) return;
        generation++;
        const stuck = sql;
        sql = client();
        void stuck.end({ timeout: 0 }).catch(() => {});
        resolve(set({ database: "down", installation: current.installation, detail: `no answer within ${timeoutMs} ms` }));
      }, timeoutMs);
    });
    const answered = probe().then((state) => (mine === generation ? set(state) : current));
    inFlight = Promise.race([answered, slow]).finally(() => {
      clearTimeout(timer);
      inFlight = null;
    });
    return inFlight;
  };

  const timer = setInterval(() => void check(), options.intervalMs ?? 2_000);
  timer.unref();
  void check();

  return {
    state: () => current,
    check,
    checkSoon: () => {
      if (Date.now() - lastCheck > 250) void check();
    },
    report: async () => {
      const state = await Promise.race([check(), new Promise<DatabaseState>((r) => setTimeout(() => r(current), timeoutMs))]);
      let worker: HealthReport["worker"] = { seen: 0, lastSeenSecondsAgo: null };
      if (state.database === "ok") {
        try {
          const query = sql`select count(*) filter (where seen_at > now() - make_interval(secs => ${WORKER_FRESH_SECONDS})) as seen,
            extract(epoch from now() - max(seen_at)) as ago from worker_heartbeats`;
          const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no answer")), timeoutMs).unref());
          const [row] = await Promise.race([query, late]);
          const parsed = workersRow.parse(row);
          worker = { seen: parsed.seen, lastSeenSecondsAgo: parsed.ago === null ? null : Math.round(parsed.ago) };
        } catch {
          // The state says ok; a failing worker query alone does not make the database down.
        }
      }
      return { web: "ok", database: state.database, installation: state.installation, worker, ...(state.detail ? { detail: state.detail } : {}) };
    },
    stop: async () => {
      clearInterval(timer);
      await sql.end({ timeout: 1 });
    },
  };
}
