import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { api } from "~/server/trpc/server-caller";
import { formatDateTime } from "../../_lib/format";
import { hasTrpcCode } from "../../_lib/server-errors";
import styles from "../steer.module.css";
import { SteerLive } from "./steer-live";

interface Props {
  params: Promise<{ id: string }>;
}

/** The id from the URL; anything but a positive decimal integer is a 404. */
function parseId(raw: string): number | null {
  if (!/^[1-9][0-9]{0,9}$/.test(raw)) return null;
  const n = Number(raw);
  return n <= 2 ** 31 - 1 ? n : null;
}

const loadSteer = cache(async (rawId: string) => {
  const id = parseId(rawId);
  if (id === null) notFound();
  const caller = await api();
  try {
    return await caller.steer.get({ id });
  } catch (error) {
    if (hasTrpcCode(error, "NOT_FOUND") || hasTrpcCode(error, "BAD_REQUEST")) notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const view = await loadSteer((await params).id);
  return { title: `Steered generation #${view.id} on ${view.params.model.name}` };
}

export default async function SteerResultPage({ params }: Props) {
  const view = await loadSteer((await params).id);
  const p = view.params;
  return (
    <article className="page page--wide">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/steer">Steer</Link> / #{view.id}
      </nav>
      <h1>
        Steered generation #{view.id} on {p.model.name}
      </h1>
      <section aria-labelledby="steer-params">
        <h2 id="steer-params">Parameters</h2>
        <dl className={styles.params} data-testid="steer-params">
          <dt>Model</dt>
          <dd>
            <Link href={`/models/${encodeURIComponent(p.model.name)}`}>{p.model.name}</Link> <span className="muted">(sha256 {p.model.sha256.slice(0, 12)}…)</span>
          </dd>
          <dt>Prompt</dt>
          <dd className={styles.text} data-testid="steer-prompt">
            {p.prompt}
          </dd>
          <dt>Direction</dt>
          <dd>
            {p.direction.kind === "run" ? (
              view.source ? (
                <>
                  The diffmean direction of <Link href={`/runs/${view.source.runId}`}>run #{view.source.runId}</Link> of{" "}
                  <Link href={`/experiments/${view.source.experimentId}?version=${view.source.version}`}>{view.source.title}</Link>
                </>
              ) : (
                <>The diffmean direction of run #{p.direction.runId} (since deleted)</>
              )
            ) : (
              <>
                Mean difference of {p.direction.positive.length} positive and {p.direction.negative.length} negative prompts
                <details>
                  <summary>The prompts</summary>
                  <p>Positive:</p>
                  <ul>
                    {p.direction.positive.map((t, i) => (
                      <li key={i}>{t}</li>
                    ))}
                  </ul>
                  <p>Negative:</p>
                  <ul>
                    {p.direction.negative.map((t, i) => (
                      <li key={i}>{t}</li>
                    ))}
                  </ul>
                </details>
              </>
            )}
          </dd>
          <dt>Layer</dt>
          <dd>added after block {p.layer}</dd>
          <dt>Strength</dt>
          <dd>{p.strength} × the mean residual norm at that layer over the prompt</dd>
          <dt>New tokens</dt>
          <dd>at most {p.maxNewTokens}</dd>
          <dt>Decoding</dt>
          <dd>{p.sampling ? `sampled at temperature ${p.sampling.temperature}, top-p ${p.sampling.topP}` : "greedy"}; seed {p.seed} (also of the random direction)</dd>
          <dt>Asked for</dt>
          <dd>{formatDateTime(view.createdAt)}</dd>
          <dt>Engine</dt>
          <dd>
            <code>{p.engine}</code>
          </dd>
        </dl>
      </section>
      <SteerLive id={view.id} initial={view} />
    </article>
  );
}
