import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { connect, type Database } from "../../db/client";
import { dropDatabase, ensureDatabase } from "../../db/create-database";
import { withDatabase } from "../../db/database-url";
import { runMigrations } from "../../db/migrate";

export interface TestDatabase {
  url: string;
  db: Database;
  /** Closes the pool and drops the database. */
  dispose: () => Promise<void>;
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = withDatabase(inject("databaseServerUrl"), `mechmap_test_${randomBytes(6).toString("hex")}`);
  await ensureDatabase(url);
  await runMigrations(url);
  const { db, close } = connect(url, { max: 4 });
  return {
    url,
    db,
    dispose: async () => {
      await close();
      await dropDatabase(url);
    },
  };
}
