"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { SteerView } from "~/server/services/steer/read";
import { errorInfo } from "../../_lib/errors";
import { useTRPC } from "../../_trpc/client";
import styles from "../steer.module.css";

const FINISHED = new Set(["done", "failed"]);

const STREAMS = [
  { key: "default", title: "Default", note: "The model's own continuation." },
  { key: "steered", title: "Steered", note: "With the direction added." },
  { key: "baseline", title: "Random direction", note: "A random direction of the same length: the baseline." },
] as const;

const STATUS_TEXT: Record<string, string> = { queued: "Waiting for a worker…", running: "Generating…", done: "Done", failed: "Failed" };

function meanLogProb(values: number[]): string {
  if (values.length === 0) return "—";
  return (values.reduce((a, b) => a + b, 0) / values.length).toFixed(2);
}

/**
 * The three continuations side by side. While queued or running the result is polled every second
 * (the worker writes the tokens so far as they are generated), then polling stops.
 */
export function SteerLive({ id, initial }: { id: number; initial: SteerView }) {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.steer.get.queryOptions({ id }),
    refetchInterval: (q) => (FINISHED.has(q.state.data?.status ?? initial.status) ? false : 1000),
    staleTime: 0,
  });
  const view = query.data ?? initial;
  const finished = FINISHED.has(view.status);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const [permalink, setPermalink] = useState(`/steer/${id}`);
  useEffect(() => setPermalink(new URL(`/steer/${id}`, window.location.origin).toString()), [id]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(permalink);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  }

  return (
    <section aria-labelledby="steer-output">
      <h2 id="steer-output">
        Continuations{" "}
        <span className={`badge run-status run-status--${view.status}`} data-testid="steer-status" data-status={view.status}>
          {STATUS_TEXT[view.status] ?? view.status}
        </span>
      </h2>
      <div className={styles.permalink}>
        <label htmlFor="steer-permalink">Permalink</label>
        <input id="steer-permalink" readOnly value={permalink} size={40} data-testid="steer-permalink" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="button button--ghost button--small" onClick={() => void copy()}>
          Copy link
        </button>
        <span role="status" className="muted">
          {copied === "yes" ? "Copied." : copied === "no" ? "Could not copy; select the link and copy it." : ""}
        </span>
      </div>

      {view.status === "failed" && (
        <div className="notice notice--error" role="alert" data-testid="steer-error">
          The generation failed: {view.error}
        </div>
      )}
      {query.isError && !finished && (
        <p className="notice notice--error" role="alert">
          Could not check on the generation: {errorInfo(query.error).message} It keeps trying.
        </p>
      )}
      {view.status !== "failed" && (
        <div className={styles.streams} aria-live="polite" aria-busy={!finished}>
          {STREAMS.map((s) => {
            const done = view.result?.streams[s.key] ?? null;
            const text = done ? done.text : (view.partial?.streams[s.key].text ?? "");
            return (
              <section key={s.key} className={styles.stream} aria-labelledby={`steer-${s.key}-title`}>
                <h3 id={`steer-${s.key}-title`}>{s.title}</h3>
                <p className="hint">{s.note}</p>
                <p className={styles.text}>
                  <span className={styles.prompt}>{view.params.prompt}</span>
                  <strong data-testid={`steer-${s.key}`}>{text}</strong>
                  {!finished && <span className="muted"> ▍</span>}
                </p>
                {done && (
                  <p className="muted">
                    {done.tokens.length} token{done.tokens.length === 1 ? "" : "s"} ({done.stoppedBy === "stop" ? "stopped at the end of text" : "the token budget"}) · mean log p {meanLogProb(done.logProbs)}
                  </p>
                )}
                {!done && finished && <p className="empty">Nothing was generated.</p>}
              </section>
            );
          })}
        </div>
      )}
      {view.result && (
        <p className="muted" data-testid="steer-scale">
          Added vector length {view.result.vectorNorm.toFixed(3)} (strength {view.params.strength} × mean residual norm {view.result.meanResidNorm.toFixed(3)} over the prompt&apos;s{" "}
          {view.result.promptTokens} tokens); direction: {view.result.directionSource}.
        </p>
      )}
    </section>
  );
}
