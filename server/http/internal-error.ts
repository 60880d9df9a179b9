import { randomBytes } from "node:crypto";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "../db-unavailable";

/**
 * Unexpected errors (bugs, failed queries) never reach a client as they are: their messages can
 * hold SQL and query parameters (drizzle's "Failed query: … params: …" includes password hashes).
 * The client gets a generic message with an error id; the server logs the error once under that
 * id, described without parameters.
 */

/** The cause attached to the public error: the id only, never the original error. */
export class ReportedError extends Error {
  constructor(
    readonly errorId: string,
    readonly unavailable: boolean,
  ) {
    super(unavailable ? DATABASE_UNAVAILABLE_MESSAGE : internalErrorMessage(errorId));
    this.name = "ReportedError";
  }
}

export function internalErrorMessage(errorId: string): string {
  return `Something went wrong on our side (error id ${errorId}). Try again; if it keeps happening, quote this id.`;
}

const MAX_MESSAGE = 400;
const MAX_FRAMES = 8;

function field(value: object, key: string): unknown {
  return (value as Record<string, unknown>)[key];
}

/** The first part of a message, with drizzle's parameter list (and anything after it) removed. */
export function safeMessage(message: string): string {
  const withoutParams = message.split(/\r?\nparams:/, 1)[0] ?? "";
  const flat = withoutParams.replace(/\s+/g, " ").trim();
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE)}…` : flat;
}

function describeOne(error: unknown): string {
  if (!(error instanceof Error)) return `non-error value of type ${typeof error}`;
  const code = field(error, "code");
  const name = error.constructor.name || error.name;
  return `${name}${typeof code === "string" || typeof code === "number" ? ` [${code}]` : ""}: ${safeMessage(error.message)}`;
}

/** Stack frames only: the first line of `stack` repeats the message (and with it the parameters). */
function frames(error: unknown): string[] {
  if (!(error instanceof Error) || typeof error.stack !== "string") return [];
  return error.stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .slice(0, MAX_FRAMES);
}

/** "Class [code]: message ← Cause [code]: message", then the innermost error's stack frames. */
export function describeForLog(error: unknown): string {
  const parts: string[] = [];
  let innermost: unknown = error;
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    parts.push(describeOne(current));
    innermost = current;
    current = typeof current === "object" ? field(current, "cause") : undefined;
  }
  const stack = frames(innermost);
  const outerStack = stack.length > 0 ? stack : frames(error);
  return [parts.join(" ← "), ...outerStack].join("\n");
}

const reported = new WeakMap<object, ReportedError>();

/**
 * Logs an unexpected error once (the same error object is logged only the first time) and returns
 * the safe cause to attach to what the client sees.
 */
export function reportInternalError(error: unknown, where: string): ReportedError {
  if (error instanceof ReportedError) return error;
  const key = typeof error === "object" && error !== null ? error : null;
  const known = key ? reported.get(key) : undefined;
  if (known) return known;
  const report = new ReportedError(randomBytes(6).toString("hex"), isDatabaseUnavailable(error));
  if (key) reported.set(key, report);
  const kind = report.unavailable ? "database unavailable" : "failed";
  console.error(`[error ${report.errorId}] ${where} ${kind}: ${describeForLog(error)}`);
  return report;
}
