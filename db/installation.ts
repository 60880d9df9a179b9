import postgres from "postgres";
import { randomSecret } from "./embedded-state";

/** The environment variable naming the installation a web or worker process expects to find in its database. */
export const INSTALLATION_ENV = "MECHMAP_INSTALLATION_ID";

export class InstallationMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly found: string | null,
    where: string,
  ) {
    super(
      found === null
        ? `The database at ${where} has no MechMap installation id, but this installation (${expected}) expects its own: it is not this installation's database. Refusing to use it.`
        : `The database at ${where} belongs to MechMap installation ${found}, not to this one (${expected}): another server answers on this installation's address. Refusing to use it.`,
    );
    this.name = "InstallationMismatchError";
  }
}

/** Host, port and database of a URL, without credentials, for messages. */
export function describeDatabase(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || "5432"}${u.pathname}`;
}

/** The installation id recorded in the database, or null when there is none yet. */
export async function readInstallationId(sql: postgres.Sql | postgres.TransactionSql): Promise<string | null> {
  const rows = await sql<{ id: string }[]>`select id from installation order by created_at limit 1`;
  return rows[0]?.id ?? null;
}

/**
 * Returns the database's installation id, recording `expected` (or a new id) when it has none.
 * Throws InstallationMismatchError when the database names another installation.
 */
export async function ensureInstallation(url: string, expected?: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const id = await sql.begin(async (tx) => {
      // Two processes starting together must not record two ids.
      await tx`select pg_advisory_xact_lock(727275)`;
      const found = await readInstallationId(tx);
      if (found !== null) return found;
      const fresh = expected ?? randomSecret();
      await tx`insert into installation (id) values (${fresh})`;
      return fresh;
    });
    if (expected !== undefined && id !== expected) throw new InstallationMismatchError(expected, id, describeDatabase(url));
    return id;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A refused password means another server answers on this installation's address: say so. */
export function explainConnectError(error: unknown, url: string): Error {
  if ((error as { code?: string }).code === "28P01") {
    return new Error(`The PostgreSQL server at ${describeDatabase(url)} refuses this installation's credentials: it is not this installation's database server (another one answers on its port). Refusing to use it.`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Throws unless the database's installation id is `expected` (never records one). */
export async function verifyInstallation(url: string, expected: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    let found: string | null;
    try {
      found = await readInstallationId(sql);
    } catch (error) {
      // A database from before installation ids (no table yet) is not known to be ours either.
      if ((error as { code?: string }).code === "42P01") found = null;
      else throw explainConnectError(error, url);
    }
    if (found !== expected) throw new InstallationMismatchError(expected, found, describeDatabase(url));
  } finally {
    await sql.end({ timeout: 1 });
  }
}
