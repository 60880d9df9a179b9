/**
 * The worker's settings from the environment, parsed with zod: how many experiment runs one worker
 * process computes at once, how much activation memory they may hold, and how long one run may take.
 */
import { z } from "zod";
import { RUN_QUEUE } from "~/server/jobs/experiment-runs";

const positiveInt = (name: string, fallback: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > max) {
        ctx.addIssue({ code: "custom", message: `${name} must be a whole number from 1 to ${max} (got "${v}")` });
        return z.NEVER;
      }
      return n;
    });

// The time limit must end a run before pg-boss hands the job to another worker.
const maxTimeLimit = RUN_QUEUE.expireInSeconds - 60;

const schema = z.object({
  MECHMAP_WORKER_CONCURRENCY: positiveInt("MECHMAP_WORKER_CONCURRENCY", 1, 64),
  MECHMAP_WORKER_MEMORY_MB: positiveInt("MECHMAP_WORKER_MEMORY_MB", 512, 1024 * 1024),
  MECHMAP_RUN_TIME_LIMIT_SECONDS: positiveInt("MECHMAP_RUN_TIME_LIMIT_SECONDS", 15 * 60, maxTimeLimit),
  MECHMAP_WORKER_POLL_SECONDS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return 0.5;
      const n = Number(v);
      // pg-boss polls at most every 0.5 s.
      if (!Number.isFinite(n) || n < 0.5 || n > 60) {
        ctx.addIssue({ code: "custom", message: `MECHMAP_WORKER_POLL_SECONDS must be a number of seconds from 0.5 to 60 (got "${v}")` });
        return z.NEVER;
      }
      return n;
    }),
});

export interface WorkerSettings {
  /** Runs computed at once by one worker process. */
  concurrency: number;
  /** Activation bytes all of this process's runs may hold together (split between concurrent runs). */
  memoryBytes: number;
  /** A run that takes longer fails with "took longer than …". */
  runTimeLimitMs: number;
  /** How often an idle worker asks the queue for a run (default 0.5 s: the delay before a queued run starts). */
  pollingIntervalSeconds: number;
}

export function workerSettings(env: Readonly<Record<string, string | undefined>> = process.env): WorkerSettings {
  const parsed = schema.safeParse({
    MECHMAP_WORKER_CONCURRENCY: env.MECHMAP_WORKER_CONCURRENCY,
    MECHMAP_WORKER_MEMORY_MB: env.MECHMAP_WORKER_MEMORY_MB,
    MECHMAP_RUN_TIME_LIMIT_SECONDS: env.MECHMAP_RUN_TIME_LIMIT_SECONDS,
    MECHMAP_WORKER_POLL_SECONDS: env.MECHMAP_WORKER_POLL_SECONDS,
  });
  if (!parsed.success) throw new Error(`Invalid worker settings: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  const s = parsed.data;
  return {
    concurrency: s.MECHMAP_WORKER_CONCURRENCY,
    memoryBytes: s.MECHMAP_WORKER_MEMORY_MB * 1024 * 1024,
    runTimeLimitMs: s.MECHMAP_RUN_TIME_LIMIT_SECONDS * 1000,
    pollingIntervalSeconds: s.MECHMAP_WORKER_POLL_SECONDS,
  };
}
