import postgres from "postgres";
import { withDatabase } from "./database-url";

/** The login role the app, workers and migrations use on the embedded server: it owns the app's database and nothing else. */
export const APP_ROLE = "mechmap_app";
/** Schemas whose objects the app must own: its tables, drizzle's migration journal, pg-boss's queue. */
const APP_SCHEMAS = ["public", "drizzle", "pgboss"];

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function identifier(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

/**
 * Makes (or repairs) the least-privilege role and hands it the database: run as the superuser,
 * idempotent, and also moves objects made by the superuser in older installs to the role.
 * Returns the role's connection URL for the database.
 */
export async function ensureAppRole(superuserUrl: string, database: string, password: string): Promise<string> {
  const admin = postgres(withDatabase(superuserUrl, "postgres"), { max: 1, onnotice: () => {} });
  try {
    const role = identifier(APP_ROLE);
    const exists = await admin`select 1 from pg_roles where rolname = ${APP_ROLE}`;
    const attributes = `login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${literal(password)}`;
    await admin.unsafe(exists.length ? `alter role ${role} ${attributes}` : `create role ${role} ${attributes}`);
    const db = await admin`select 1 from pg_database where datname = ${database}`;
    await admin.unsafe(db.length ? `alter database ${identifier(database)} owner to ${role}` : `create database ${identifier(database)} owner ${role}`);
  } finally {
    await admin.end({ timeout: 1 });
  }

  const owner = postgres(withDatabase(superuserUrl, database), { max: 1, onnotice: () => {} });
  try {
    await owner.unsafe(`alter schema public owner to ${identifier(APP_ROLE)}`);
    await owner.unsafe(transferOwnershipSql(APP_SCHEMAS));
  } finally {
    await owner.end({ timeout: 1 });
  }
  const url = new URL(withDatabase(superuserUrl, database));
  url.username = APP_ROLE;
  url.password = encodeURIComponent(password);
  return url.toString();
}

/** Every schema, relation, type and routine in `schemas` not yet owned by the app role (extension members excepted). */
function transferOwnershipSql(schemas: string[]): string {
  const list = schemas.map(literal).join(", ");
  return `do $$
declare r record;
begin
  for r in select n.nspname from pg_namespace n where n.nspname in (${list}) and pg_get_userbyid(n.nspowner) <> '${APP_ROLE}' loop
    execute format('alter schema %I owner to ${APP_ROLE}', r.nspname);
  end loop;
  -- Tables first: a table takes its indexes and owned sequences along, so those are skipped after.
  for r in
    select c.oid, n.nspname, c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in (${list}) and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and pg_get_userbyid(c.relowner) <> '${APP_ROLE}'
      and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
    order by c.relkind not in ('r', 'p')
  loop
    if (select pg_get_userbyid(relowner) from pg_class where oid = r.oid) <> '${APP_ROLE}' then
      execute format('alter %s %I.%I owner to ${APP_ROLE}',
        case r.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table' else 'table' end,
        r.nspname, r.relname);
    end if;
  end loop;
  for r in
    select n.nspname, t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where n.nspname in (${list}) and t.typtype in ('e', 'd', 'r') and pg_get_userbyid(t.typowner) <> '${APP_ROLE}'
      and not exists (select 1 from pg_depend d where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')
  loop
    execute format('alter type %I.%I owner to ${APP_ROLE}', r.nspname, r.typname);
  end loop;
  for r in
    select p.oid::regprocedure as routine from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in (${list}) and pg_get_userbyid(p.proowner) <> '${APP_ROLE}'
      and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
  loop
    execute format('alter routine %s owner to ${APP_ROLE}', r.routine);
  end loop;
end $$`;
}

/** True when the URL's role is a superuser (a DATABASE_URL given that way works, with a warning). */
export async function isSuperuser(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ rolsuper: boolean }[]>`select rolsuper from pg_roles where rolname = current_user`;
    return row?.rolsuper ?? false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}
