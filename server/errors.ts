/**
 * Domain errors raised by services. The tRPC layer maps them to HTTP-ish codes;
 * CLIs print their messages. Messages are written for the person who caused them.
 */
export class DomainError extends Error {
  constructor(
    readonly code: "NOT_FOUND" | "CONFLICT" | "BAD_REQUEST" | "FORBIDDEN" | "TOO_MANY_REQUESTS",
    message: string,
    /** Extra data a client can act on, e.g. the id of the existing duplicate. */
    readonly details?: Record<string, string | number>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (what: string) => new DomainError("NOT_FOUND", `${what} was not found.`);
