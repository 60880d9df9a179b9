import { connect, type Database } from "~/db/client";
import { requireDatabaseUrl } from "./env";

// One pool per server process; kept on globalThis so dev-mode module reloads do not leak pools.
const globalForDb = globalThis as unknown as { mechmapDb?: Database };

export function getDb(): Database {
  globalForDb.mechmapDb ??= connect(requireDatabaseUrl(), { max: 20 }).db;
  return globalForDb.mechmapDb;
}
