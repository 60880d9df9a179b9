import { resolveDatabaseUrl } from "../local-database";
import { runMigrations } from "../migrate";

const database = await resolveDatabaseUrl();
await runMigrations(database.url);
console.log(`Migrations applied to ${database.embedded ? "the embedded database" : "DATABASE_URL"}.`);
await database.stop();
