import type { Metadata } from "next";
import Link from "next/link";
import { USER_ROLES } from "~/db/schema";
import { api } from "~/server/trpc/server-caller";
import { Pagination } from "../../_components/pagination";
import { formatDate, plural } from "../../_lib/format";
import { RoleForm } from "./role-form";

export const metadata: Metadata = { title: "Manage users" };

const PAGE_SIZE = 50;
const PATH = "/admin/users";

type SearchParams = Record<string, string | string[] | undefined>;

/** `?page=N`, anything malformed reads as the first page. */
function parsePage(sp: SearchParams): number {
  const raw = Array.isArray(sp.page) ? sp.page[0] : sp.page;
  const n = Number.parseInt(raw ?? "", 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, 100_000) : 1;
}

const pageHref = (page: number) => (page > 1 ? `${PATH}?page=${page}` : PATH);

export default async function AdminUsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const page = parsePage(await searchParams);
  const caller = await api();
  const me = await caller.users.me();
  if (!me) {
    return (
      <div className="page page--narrow">
        <h1>Manage users</h1>
        <p className="notice notice--info">
          Only admins can manage roles. <Link href={`/signin?callbackUrl=${encodeURIComponent(pageHref(page))}`}>Sign in</Link> if you are one.
        </p>
      </div>
    );
  }
  if (me.role !== "admin") {
    return (
      <div className="page page--narrow">
        <h1>Manage users</h1>
        <p className="notice" data-testid="admin-forbidden">
          Only admins can manage roles.
        </p>
      </div>
    );
  }

  const { items, total } = await caller.users.list({ page, pageSize: PAGE_SIZE });
  const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const firstShown = (page - 1) * PAGE_SIZE + 1;
  const lastShown = firstShown + items.length - 1;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Manage users</h1>
          <p className="lede">Members propose edits, moderators review them, admins also manage roles. Changing a role signs the person out everywhere, so the new role applies from their next sign-in.</p>
        </div>
      </div>

      <div className="results-head">
        <p role="status" data-testid="users-total">
          {total === 0 ? "No users" : plural(total, "user")}
          {items.length > 0 && pageCount > 1 && ` · showing ${firstShown}–${lastShown}`}.
        </p>
        {pageCount > 1 && (
          <p className="muted">
            Page {page} of {pageCount}
          </p>
        )}
      </div>

      {items.length === 0 ? (
        <p className="empty" data-testid="users-empty">
          {total === 0 ? (
            "No users yet."
          ) : (
            <>
              There is no page {page}. <Link href={pageHref(pageCount)}>Go to the last page</Link>.
            </>
          )}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="users-table">
            <caption className="visually-hidden">
              Users, oldest account first{pageCount > 1 ? `, page ${page} of ${pageCount}` : ""}
            </caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
              </tr>
            </thead>
            <tbody>
              {items.map((u) => (
                <tr key={u.id} data-testid="user-row">
                  <th scope="row" className="data-table__email">
                    {u.email}
                    {u.id === me.id && (
                      <>
                        {" "}
                        <span className="badge">you</span>
                      </>
                    )}
                  </th>
                  <td>{u.name ?? <span className="muted">—</span>}</td>
                  <td>
                    <RoleForm email={u.email} role={u.role} roles={USER_ROLES} isSelf={u.id === me.id} />
                  </td>
                  <td className="data-table__date">
                    <time dateTime={u.createdAt.toISOString()}>{formatDate(u.createdAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {items.length > 0 && <Pagination page={page} pageCount={pageCount} href={pageHref} />}
    </div>
  );
}
