import Link from "next/link";
import { api } from "~/server/trpc/server-caller";
import { formatDateTime } from "../_lib/format";

/** 0.9234 → "0.923"; counts stay whole. */
const formatValue = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(3));

/** The home page's activity column: the newest published experiments, finished runs and comments. */
export async function RecentActivity() {
  const caller = await api();
  const [experiments, runs, comments] = await Promise.all([caller.experiments.list({ page: 1, pageSize: 5 }), caller.evidence.recentRuns({ limit: 5 }), caller.comments.recent({ limit: 5 })]);
  return (
    <div className="activity" data-testid="recent-activity">
      <section aria-labelledby="recent-experiments" className="activity__col">
        <h2 id="recent-experiments">Recent experiments</h2>
        {experiments.items.length === 0 ? (
          <p className="empty">
            No published experiment yet. <Link href="/experiments/new">Propose one</Link>.
          </p>
        ) : (
          <ul className="activity__list" data-testid="recent-experiments">
            {experiments.items.map((e) => (
              <li key={e.id}>
                <Link href={`/experiments/${e.id}`}>{e.title}</Link>
                <span className="activity__meta">
                  by {e.owner}
                  {e.techniques.length > 0 && ` · ${e.techniques.map((t) => t.name).join(", ")}`}
                  {e.publishedAt && ` · ${formatDateTime(e.publishedAt)}`}
                </span>
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link href="/experiments">All experiments</Link>
        </p>
      </section>
      <section aria-labelledby="recent-runs" className="activity__col">
        <h2 id="recent-runs">Recent results</h2>
        {runs.length === 0 ? (
          <p className="empty">No run has finished yet.</p>
        ) : (
          <ul className="activity__list" data-testid="recent-runs">
            {runs.map((r) => (
              <li key={r.id}>
                <Link href={`/runs/${r.id}`}>
                  {r.title} on {r.model}
                </Link>
                <span className="activity__meta">
                  {r.headline ? (
                    <>
                      <code>{r.headline.metric}</code> {formatValue(r.headline.value)}
                      {r.headline.layer !== null && ` at layer ${r.headline.layer}`}
                    </>
                  ) : (
                    "no headline metric"
                  )}
                  {r.finishedAt && ` · ${formatDateTime(r.finishedAt)}`}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="recent-comments" className="activity__col">
        <h2 id="recent-comments">Newest comments</h2>
        {comments.length === 0 ? (
          <p className="empty">No comments yet. Discuss a technique, paper or experiment on its page.</p>
        ) : (
          <ul className="activity__list" data-testid="recent-comments">
            {comments.map((c) => (
              <li key={c.id}>
                <span className="activity__excerpt">“{c.excerpt}”</span>
                <span className="activity__meta">
                  {c.author} on <Link href={c.target.href}>{c.target.title}</Link> · {formatDateTime(c.createdAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
