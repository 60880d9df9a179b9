"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { errorInfo } from "../_lib/errors";
import { useTRPC } from "../_trpc/client";

/**
 * One row per run (model × attempt) of a version: status in words, a progress bar while queued or
 * running (polled every 2 s only while some run is unfinished), the headline metric, and rerun /
 * cancel for the author and moderators.
 */

export type RunStatus = "queued" | "running" | "done" | "failed" | "cancelled";

export interface RunRow {
  id: number;
  modelName: string | null;
  modelSha256: string;
  attempt: number;
  status: RunStatus;
  stage: string | null;
  percent: number | null;
  examplesDone: number | null;
  examplesTotal: number | null;
  currentLayer: number | null;
  error: string | null;
  cancelRequested: boolean;
  /** e.g. "diffmean.accuracy 0.94 at layer 3", computed by the page from the stored metrics. */
  headline: string | null;
}

export const STATUS_LABELS: Record<RunStatus, string> = { queued: "Queued", running: "Running", done: "Done", failed: "Failed", cancelled: "Cancelled" };
const unfinished = (s: RunStatus) => s === "queued" || s === "running";
export const POLL_MS = 2000;

export function RunTable({ runs, canControl, emptyText }: { runs: RunRow[]; canControl: boolean; emptyText: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const ids = runs.map((r) => r.id);
  const anyUnfinished = runs.some((r) => unfinished(r.status));
  const progress = useQuery({
    ...trpc.runs.progress.queryOptions({ ids: ids.length > 0 ? ids.slice(0, 100) : [1] }),
    enabled: ids.length > 0 && anyUnfinished,
    // Poll only while something is still going; stops by itself once every run has finished.
    refetchInterval: (query) => ((query.state.data ?? []).length > 0 && (query.state.data ?? []).every((p) => !unfinished(p.status)) ? false : POLL_MS),
    staleTime: 0,
  });
  const live = new Map((progress.data ?? []).map((p) => [p.id, p]));
  const rows = runs.map((r) => {
    const p = live.get(r.id);
    return p ? { ...r, status: p.status, stage: p.stage, percent: p.percent, examplesDone: p.examplesDone, examplesTotal: p.examplesTotal, currentLayer: p.currentLayer, error: p.error, cancelRequested: p.cancelRequested } : r;
  });

  // A run that just finished has metrics the server page reads: refresh it once.
  const finishedKey = rows.filter((r) => !unfinished(r.status)).map((r) => r.id).join(",");
  const initialKey = useRef(runs.filter((r) => !unfinished(r.status)).map((r) => r.id).join(","));
  useEffect(() => {
    if (finishedKey !== initialKey.current) {
      initialKey.current = finishedKey;
      router.refresh();
    }
  }, [finishedKey, router]);

  const rerun = useMutation(
    trpc.runs.rerun.mutationOptions({
      onSuccess: (r) => {
        setMessage({ ok: true, text: `Rerun queued as run #${r.id} (attempt ${r.attempt}).` });
        router.refresh();
      },
      onError: (e) => setMessage({ ok: false, text: errorInfo(e).message }),
    }),
  );
  const cancel = useMutation(
    trpc.runs.cancel.mutationOptions({
      onSuccess: (r) => {
        setMessage({ ok: true, text: r.status === "cancelled" ? `Run #${r.id} was cancelled.` : `Run #${r.id} stops at its next batch.` });
        void progress.refetch();
        router.refresh();
      },
      onError: (e) => setMessage({ ok: false, text: errorInfo(e).message }),
    }),
  );

  if (runs.length === 0) return <p className="empty" data-testid="runs-empty">{emptyText}</p>;
  return (
    <div>
      <div aria-live="polite">
        {message && (
          <p className={`notice ${message.ok ? "notice--success" : "notice--error"}`} data-testid="run-action-message">
            {message.text}
          </p>
        )}
      </div>
      <div className="table-scroll">
        <table className="data-table runs-table" data-testid="runs-table">
          <caption className="visually-hidden">Runs of this version, one row per model and attempt</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Headline</th>
              <th scope="col">Run</th>
              {canControl && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="run-row" data-status={r.status}>
                <th scope="row">
                  {r.modelName ?? <span className="muted">model removed</span>}
                  {r.attempt > 0 && <span className="muted"> · rerun {r.attempt}</span>}
                  <br />
                  <code className="muted sha" title={r.modelSha256}>
                    {r.modelSha256.slice(0, 12)}
                  </code>
                </th>
                <td>
                  <span className={`status status--${r.status}`} data-testid="run-status">
                    {STATUS_LABELS[r.status]}
                  </span>
                  {r.cancelRequested && r.status === "running" && <span className="muted"> (stopping)</span>}
                  {r.status === "failed" && r.error && <p className="field-error run-error">{r.error}</p>}
                </td>
                <td>
                  {unfinished(r.status) ? (
                    <div className="run-progress">
                      <progress max={100} value={r.percent ?? 0} aria-label={`Progress of run #${r.id}`}>
                        {Math.round(r.percent ?? 0)}%
                      </progress>
                      <span className="hint">
                        {Math.round(r.percent ?? 0)}%{r.stage ? ` · ${r.stage}` : ""}
                        {r.examplesTotal ? ` · ${r.examplesDone ?? 0}/${r.examplesTotal} examples` : ""}
                        {r.currentLayer !== null ? ` · layer ${r.currentLayer}` : ""}
                      </span>
                    </div>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td data-testid="run-headline">{r.headline ?? <span className="muted">{r.status === "done" ? "no headline metric" : "—"}</span>}</td>
                <td>
                  <Link href={`/runs/${r.id}`}>Run #{r.id}</Link>
                </td>
                {canControl && (
                  <td>
                    {unfinished(r.status) ? (
                      <button type="button" className="button button--ghost button--small" disabled={cancel.isPending || r.cancelRequested} onClick={() => cancel.mutate({ id: r.id })} aria-label={`Cancel run #${r.id}`}>
                        Cancel
                      </button>
                    ) : (
                      <button type="button" className="button button--ghost button--small" disabled={rerun.isPending} onClick={() => rerun.mutate({ id: r.id })} aria-label={`Rerun run #${r.id}`}>
                        Rerun
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {anyUnfinished && <p className="hint">Updates every 2 seconds while runs are queued or running.</p>}
    </div>
  );
}
