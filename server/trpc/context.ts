import type { Database } from "~/db/client";
import type { UserRole } from "~/db/schema";

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
}

/**
 * What every procedure sees: the database, who is calling (null when signed out) and from where.
 * The caller is looked up lazily, so public reads never pay for session decoding.
 */
export interface Context {
  db: Database;
  getUser: () => Promise<SessionUser | null>;
  /** The caller's network address (see server/http/client-ip.ts), for per-address rate limits. */
  clientIp: string;
}
