import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;
export interface DatabaseConnection {
  db: Database;
  close: () => Promise<void>;
}

/** Opens a connection pool; the caller owns it and closes it. */
export function connect(url: string, options: { max?: number } = {}): DatabaseConnection {
  // A server that does not answer fails requests within seconds rather than holding them for 30 s;
  // postgres.js reconnects on its own once the server is back.
  const sql = postgres(url, { max: options.max ?? 10, connect_timeout: 10, onnotice: () => {} });
  return { db: drizzle(sql, { schema }), close: () => sql.end({ timeout: 5 }) };
}
