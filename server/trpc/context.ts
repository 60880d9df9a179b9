import type { Database } from "~/db/client";
import type { UserRole } from "~/db/schema";

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
}

/** What every procedure sees: the database and who is calling (null when signed out). */
export interface Context {
  db: Database;
  user: SessionUser | null;
}
