import { connect } from "../client";
import { resolveDatabaseUrl } from "../local-database";
import { runMigrations } from "../migrate";
import { seedDemo } from "../seed/seed";

const database = await resolveDatabaseUrl();
await runMigrations(database.url);
const { db, close } = connect(database.url, { max: 2 });
const report = await seedDemo(db);
console.log(`Seeded: ${report.techniquesAdded} techniques, ${report.papersAdded} papers, ${report.usersAdded} demo users added.`);
await close();
await database.stop();
