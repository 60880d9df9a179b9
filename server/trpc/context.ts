import type { Database } from "~/db/client";
import type { UserRole } from "~/db/schema";

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
}

/**
 * What every procedure sees: the database and who is calling (null when signed out).
 * The caller is looked up lazily, so public reads never pay for session decoding.
 */
export interface Context {
  db: Database;
  getUser: () => Promise<SessionUser | null>;
}
