import type { Metadata } from "next";
import Link from "next/link";
import { api } from "~/server/trpc/server-caller";
import { formatDateTime, plural } from "../_lib/format";
import { WatchButton } from "../techniques/[slug]/watch-button";

export const metadata: Metadata = { title: "Watched techniques" };

/** The member's watched techniques, with how many changes were accepted since each last visit. */
export default async function WatchingPage() {
  const caller = await api();
  const me = await caller.users.me();
  if (!me) {
    return (
      <div className="page page--narrow">
        <h1>Watched techniques</h1>
        <p className="notice notice--info">
          <Link href="/signin?callbackUrl=%2Fwatching">Sign in</Link> to watch techniques and see what changed on them since your last visit.
        </p>
      </div>
    );
  }
  const watched = await caller.changes.watched();
  const changed = watched.filter((w) => w.changesSince > 0).length;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Watched techniques</h1>
          <p className="lede">
            {watched.length === 0
              ? "Techniques you watch are listed here with what changed since your last visit."
              : `${plural(watched.length, "technique")} watched; ${changed === 0 ? "nothing new since your last visits" : `${plural(changed, "technique")} changed since your last visit`}. Opening a technique shows its changes and marks them seen.`}
          </p>
        </div>
        <p className="actions">
          <Link href="/changes" className="button button--ghost">
            All changes
          </Link>
        </p>
      </div>
      {watched.length === 0 ? (
        <p className="empty" data-testid="watching-empty">
          You are not watching any technique yet. Open a technique on the <Link href="/">map</Link> and press Watch to follow its changes here.
        </p>
      ) : (
        <ul className="watch-list" data-testid="watch-list">
          {watched.map((w) => (
            <li key={w.slug} className="watch-list__item" data-testid="watched-technique">
              <div className="watch-list__main">
                <Link href={`/techniques/${w.slug}`} className="watch-list__name">
                  {w.name}
                </Link>
                <p className="watch-list__summary">{w.summary}</p>
                <p className="watch-list__meta">
                  {w.changesSince > 0 ? (
                    <span className="badge badge--new" data-testid="changes-since">
                      {plural(w.changesSince, "change")} since your last visit
                    </span>
                  ) : (
                    <span className="badge" data-testid="changes-since">
                      No changes since your last visit
                    </span>
                  )}{" "}
                  Last visit {formatDateTime(w.lastSeenAt)} · <Link href={`/changes?technique=${w.slug}`}>its changes</Link>
                </p>
              </div>
              <WatchButton slug={w.slug} name={w.name} signedIn watching />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
