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
  const sql = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
  return { db: drizzle(sql, { schema }), close: () => sql.end({ timeout: 5 }) };
}
