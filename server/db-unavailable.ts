/**
 * Whether an error means "the database cannot be reached right now" (server down, restarting,
 * connection dropped) rather than "this query is wrong". The first is answered with 503 and a
 * retry hint; the second is a bug and answered with 500.
 */

// Socket-level failures (node) and postgres.js's own connection errors.
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
]);

// SQLSTATE: 08xxx connection exceptions, 57P01 admin shutdown, 57P02 crash shutdown,
// 57P03 cannot connect now (starting up / recovering), 53300 too many connections.
function isUnavailableSqlState(code: string): boolean {
  return /^08[0-9A-Z]{3}$/.test(code) || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300";
}

const CONNECTION_MESSAGE = /connection (refused|terminated)|terminating connection|the database system is (starting up|shutting down|in recovery mode)|write (CONNECTION_CLOSED|EPIPE)/i;

function fieldOf(value: object, key: string): unknown {
  return (value as Record<string, unknown>)[key];
}

/** True when the error, or anything in its cause chain (or AggregateError list), is a connection failure. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 20) {
    const current = queue.shift();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const code = fieldOf(current, "code");
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || isUnavailableSqlState(code))) return true;
    const message = fieldOf(current, "message");
    // Only the first line: drizzle puts the SQL and its parameters after it.
    if (typeof message === "string" && CONNECTION_MESSAGE.test(message.split("\n", 1)[0] ?? "")) return true;
    queue.push(fieldOf(current, "cause"));
    const errors = fieldOf(current, "errors");
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return false;
}

export const DATABASE_UNAVAILABLE_MESSAGE = "The database is unavailable right now; try again in a moment.";
