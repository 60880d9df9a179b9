import { z } from "zod";
import { connect } from "~/db/client";
import { resolveDatabaseUrl } from "~/db/local-database";
import { runMigrations } from "~/db/migrate";
import { USER_ROLES } from "~/db/schema";
import { DomainError } from "../errors";
import { setRole } from "../services/users";

const USAGE = `Usage: npm run user -- promote <email> <${USER_ROLES.join("|")}>`;

const args = z.tuple([z.literal("promote"), z.string().email(), z.enum(USER_ROLES)]).safeParse(process.argv.slice(2));
if (!args.success) {
  console.error(USAGE);
  process.exit(2);
}
const [, email, role] = args.data;
const database = await resolveDatabaseUrl();
await runMigrations(database.url);
const { db, close } = connect(database.url, { max: 1 });
try {
  const user = await setRole(db, email, role);
  console.log(`${user.email} is now ${user.role}.`);
} catch (error) {
  if (!(error instanceof DomainError)) throw error;
  console.error(`${error.message} Sign up in the web app first.`);
  process.exitCode = 1;
} finally {
  await close();
  await database.stop();
}
