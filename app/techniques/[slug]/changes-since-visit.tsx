import Link from "next/link";
import { api } from "~/server/trpc/server-caller";
import { ChangeList } from "../../changes/change-list";
import { formatDateTime, plural } from "../../_lib/format";
import { MarkSeenOnView, WatchButton } from "./watch-button";

/** The Watch toggle for a technique (a sign-in link for visitors), with the viewer's current state. */
export async function WatchControl({ slug, name }: { slug: string; name: string }) {
  const state = await (await api()).changes.watching({ slug });
  return <WatchButton slug={slug} name={name} signedIn={state.signedIn} watching={state.watching} />;
}

/**
 * For a member who watches this technique: the changes accepted since their last visit, and the
 * proposals waiting for review. Viewing the list marks it seen (see MarkSeenOnView), so the next
 * visit lists only what is newer. Renders nothing for visitors and techniques they do not watch.
 */
export async function ChangesSinceVisit({ slug }: { slug: string }) {
  const since = await (await api()).changes.sinceLastVisit({ slug });
  if (!since) return null;
  const more = since.total - since.changes.length;
  return (
    <section className="since-visit" aria-labelledby="since-visit" data-testid="since-visit">
      <h2 id="since-visit">Since your last visit</h2>
      <p className="since-visit__when">
        You last looked on <time dateTime={new Date(since.lastSeenAt).toISOString()}>{formatDateTime(since.lastSeenAt)}</time>.
        {since.pending > 0 && <> {plural(since.pending, "proposal")} about this technique {since.pending === 1 ? "is" : "are"} waiting for review.</>}
      </p>
      {since.changes.length === 0 ? (
        <p className="since-visit__none">Nothing has changed since then.</p>
      ) : (
        <>
          <ChangeList items={since.changes} compact />
          {more > 0 && (
            <p>
              …and {plural(more, "older change")}. <Link href={`/changes?technique=${slug}`}>See every change to this technique</Link>.
            </p>
          )}
          <MarkSeenOnView slug={slug} asOf={since.asOf} />
        </>
      )}
    </section>
  );
}
