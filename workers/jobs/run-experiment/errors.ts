/**
 * How a run ends when it does not finish: the error classes decide between "fail the run now"
 * (the input is wrong and would be wrong again), "stop" (cancelled, time limit) and "retry" (any
 * other error: a lost database connection, a worker shutting down).
 */
import { ProbeInputError } from "../../probes/types";

/** The run cannot succeed as asked (bad spec, missing data set or model): fail it at once. */
export class RunInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunInputError";
  }
}

/** The author or a moderator asked to stop the run. */
export class RunCancelledError extends Error {
  constructor() {
    super("cancelled on request");
    this.name = "RunCancelledError";
  }
}

/** The run used up the per-job time limit. */
export class RunTimeLimitError extends Error {
  constructor(readonly limitMs: number) {
    super(`took longer than ${formatDuration(limitMs)} (the per-run time limit) — use fewer examples, layers or methods`);
    this.name = "RunTimeLimitError";
  }
}

/** This worker is shutting down: the job goes back to the queue for another worker. */
export class WorkerStoppingError extends Error {
  constructor() {
    super("the worker stopped before the run finished; it will be retried");
    this.name = "WorkerStoppingError";
  }
}

/** Failures a retry cannot fix. */
export function isPermanent(error: unknown): boolean {
  return error instanceof RunInputError || error instanceof ProbeInputError || error instanceof RunTimeLimitError;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
}
