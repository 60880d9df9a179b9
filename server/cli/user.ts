import { z } from "zod";
import { connect } from "~/db/client";
import { resolveDatabaseUrl } from "~/db/local-database";
import { runMigrations } from "~/db/migrate";
import { USER_ROLES } from "~/db/schema";
import { revokeSessions } from "../auth/sessions";
import { DomainError } from "../errors";
import { getUserByEmail, setRole } from "../services/users";

const USAGE = [
  `Usage: npm run user -- promote <email> <${USER_ROLES.join("|")}>   (also signs the person out everywhere)`,
  "       npm run user -- sign-out <email>                            (ends every session of that person)",
].join("\n");

const commandSchema = z.union([
  z.tuple([z.literal("promote"), z.string().email(), z.enum(USER_ROLES)]),
  z.tuple([z.literal("sign-out"), z.string().email()]),
]);

const args = commandSchema.safeParse(process.argv.slice(2));
if (!args.success) {
  console.error(USAGE);
  process.exit(2);
}
const command = args.data;
const database = await resolveDatabaseUrl();
await runMigrations(database.url);
const { db, close } = connect(database.url, { max: 1 });
try {
  if (command[0] === "promote") {
    const user = await setRole(db, command[1], command[2]);
    console.log(`${user.email} is now ${user.role}; their sessions were ended, the new role applies from their next sign-in.`);
  } else {
    const user = await getUserByEmail(db, command[1]);
    if (!user) throw new DomainError("NOT_FOUND", `A user with email ${command[1]} was not found.`);
    const ended = await revokeSessions(db, user.id);
    console.log(`${user.email}: ${ended} session${ended === 1 ? "" : "s"} ended.`);
  }
} catch (error) {
  if (!(error instanceof DomainError)) throw error;
  console.error(`${error.message} Sign up in the web app first.`);
  process.exitCode = 1;
} finally {
  await close();
  await database.stop();
}
