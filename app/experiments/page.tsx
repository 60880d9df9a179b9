import type { Metadata } from "next";
import Link from "next/link";
import { api } from "~/server/trpc/server-caller";
import { Pagination } from "../_components/pagination";
import { formatDateTime, plural } from "../_lib/format";
import type { RouterOutputs } from "../_lib/types";

export const metadata: Metadata = { title: "Experiments" };

type Item = RouterOutputs["experiments"]["list"]["items"][number];

function pageParam(raw: string | string[] | undefined): number {
  const v = Array.isArray(raw) ? raw[0] : raw;
  const n = v && /^\d{1,5}$/.test(v) ? Number(v) : 1;
  return n >= 1 ? Math.min(n, 10_000) : 1;
}

function RunCounts({ runs }: { runs: Item["runs"] }) {
  const total = Object.values(runs).reduce((s, n) => s + (n ?? 0), 0);
  if (total === 0) return <span className="muted">no runs yet</span>;
  const parts = (["done", "running", "queued", "failed", "cancelled"] as const).filter((s) => (runs[s] ?? 0) > 0).map((s) => `${runs[s]} ${s}`);
  return (
    <span>
      {plural(total, "run")} ({parts.join(", ")})
    </span>
  );
}

function ExperimentItem({ e }: { e: Pick<Item, "id" | "title" | "owner" | "state" | "latestVersion" | "updatedAt"> & Partial<Pick<Item, "techniques" | "runs">> }) {
  return (
    <li className="experiment-item" data-testid="experiment-item">
      <h3 className="experiment-item__title">
        <Link href={`/experiments/${e.id}`}>{e.title}</Link>
      </h3>
      <p className="experiment-item__meta muted">
        <span className={`badge badge--${e.state}`}>{e.state}</span> v{e.latestVersion} · by {e.owner} · updated {formatDateTime(e.updatedAt)}
        {e.runs && (
          <>
            {" · "}
            <RunCounts runs={e.runs} />
          </>
        )}
      </p>
      {e.techniques && e.techniques.length > 0 && (
        <ul className="chips" aria-label="Techniques">
          {e.techniques.map((t) => (
            <li key={t.slug} className="chip">
              <Link href={`/techniques/${t.slug}`}>{t.name}</Link>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

export default async function ExperimentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const page = pageParam((await searchParams).page);
  const caller = await api();
  const [result, me] = await Promise.all([caller.experiments.list({ page, pageSize: 20 }), caller.users.me()]);
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Experiments</h1>
          <p className="lede">Questions asked of the hosted models, each run on every model, with the results and what their authors claimed.</p>
        </div>
        {me ? (
          <Link href="/experiments/new" className="button">
            New experiment
          </Link>
        ) : (
          <Link href="/signin?callbackUrl=%2Fexperiments%2Fnew" className="button button--ghost">
            Sign in to propose an experiment
          </Link>
        )}
      </div>

      {me && (
        <section aria-labelledby="drafts" data-testid="my-drafts">
          <h2 id="drafts">My drafts</h2>
          {result.drafts.length === 0 ? (
            <p className="empty">No drafts. Saved but unpublished experiments appear here.</p>
          ) : (
            <ul className="plain-list experiment-list">
              {result.drafts.map((d) => (
                <ExperimentItem key={d.id} e={d} />
              ))}
            </ul>
          )}
        </section>
      )}

      <section aria-labelledby="published">
        <h2 id="published">Published {result.total > 0 && <span className="muted">({result.total})</span>}</h2>
        {result.items.length === 0 ? (
          <p className="empty">{page > 1 ? "No experiments on this page." : "No published experiments yet."}</p>
        ) : (
          <ul className="plain-list experiment-list" data-testid="experiment-list">
            {result.items.map((e) => (
              <ExperimentItem key={e.id} e={e} />
            ))}
          </ul>
        )}
        <Pagination page={result.page} pageCount={result.pageCount} href={(p) => (p > 1 ? `/experiments?page=${p}` : "/experiments")} />
      </section>
    </div>
  );
}
