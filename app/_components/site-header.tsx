import Link from "next/link";
import { api } from "~/server/trpc/server-caller";
import { NavLink } from "./nav-link";
import { SignOutButton } from "./sign-out-button";

/** The top bar: sections on the left, who is signed in on the right. */
export async function SiteHeader() {
  const caller = await api();
  const me = await caller.users.me();
  const canReview = me !== null && (me.role === "moderator" || me.role === "admin");
  const isAdmin = me !== null && me.role === "admin";
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link href="/" className="brand">
          <span className="brand__mark" aria-hidden="true">
            ◈
          </span>
          MechMap
        </Link>
        <nav aria-label="Main">
          <ul className="nav">
            <li>
              <NavLink href="/" exact>
                Map
              </NavLink>
            </li>
            <li>
              <NavLink href="/papers">Papers</NavLink>
            </li>
            <li>
              <NavLink href="/experiments">Experiments</NavLink>
            </li>
            <li>
              <NavLink href="/compare">Compare</NavLink>
            </li>
            <li>
              <NavLink href="/steer">Steer</NavLink>
            </li>
            <li>
              <NavLink href="/models">Models</NavLink>
            </li>
            <li>
              <NavLink href="/changes">Changes</NavLink>
            </li>
            {canReview && (
              <li>
                <NavLink href="/review">Review</NavLink>
              </li>
            )}
            {isAdmin && (
              <li>
                <NavLink href="/admin/users">Admin</NavLink>
              </li>
            )}
          </ul>
        </nav>
        <div className="account">
          {me ? (
            <>
              <span className="account__name" data-testid="account-name">
                {me.name ?? me.email}
                {me.role !== "member" && <span className="badge badge--role">{me.role}</span>}
              </span>
              <SignOutButton />
            </>
          ) : (
            <>
              <Link href="/signin" className="button button--ghost">
                Sign in
              </Link>
              <Link href="/signup" className="button">
                Sign up
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
