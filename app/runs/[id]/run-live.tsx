"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { FormError } from "../../_components/form-bits";
import { errorInfo } from "../../_lib/errors";
import { useTRPC } from "../../_trpc/client";

const FINISHED = new Set(["done", "failed", "cancelled"]);

export interface ProgressSnapshot {
  status: string;
  stage: string | null;
  percent: number;
  examplesDone: number;
  examplesTotal: number | null;
  currentLayer: number | null;
  error: string | null;
  cancelRequested: boolean;
}

/**
 * Live progress of a queued or running run, polled every 2 s until it finishes; then the page is
 * rendered again on the server with the results. Cancel and rerun for the author and moderators.
 */
export function RunLive({ runId, initial, canControl }: { runId: number; initial: ProgressSnapshot; canControl: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const startedFinished = useRef(FINISHED.has(initial.status));
  const progress = useQuery({
    ...trpc.runs.progress.queryOptions({ ids: [runId] }),
    refetchInterval: (query) => {
      const status = query.state.data?.[0]?.status ?? initial.status;
      return FINISHED.has(status) ? false : 2000;
    },
    staleTime: 0,
  });
  const current: ProgressSnapshot = progress.data?.[0] ?? initial;
  const finished = FINISHED.has(current.status);

  useEffect(() => {
    // It finished while this page watched it: fetch the run (results, facts, charts) again.
    if (finished && !startedFinished.current) {
      startedFinished.current = true;
      router.refresh();
    }
  }, [finished, router]);

  const cancel = useMutation(trpc.runs.cancel.mutationOptions({ onSuccess: () => void progress.refetch().then(() => router.refresh()) }));
  const rerun = useMutation(trpc.runs.rerun.mutationOptions({ onSuccess: (created) => router.push(`/runs/${created.id}`) }));
  const err = cancel.error ? errorInfo(cancel.error) : rerun.error ? errorInfo(rerun.error) : null;

  return (
    <div className="run-live">
      {!finished && (
        <div className="run-progress" data-testid="run-progress">
          <p>
            <strong>{current.status === "queued" ? "Queued" : "Running"}</strong>
            {current.stage ? ` — ${current.stage}` : ""}
            {current.cancelRequested ? " (cancel requested: stops at the next batch)" : ""}
          </p>
          <progress className="run-progress__bar" max={100} value={current.percent} aria-label={`Progress: ${Math.round(current.percent)}%`} />
          <p className="muted" aria-live="polite">
            {Math.round(current.percent)}% · {current.examplesDone}
            {current.examplesTotal !== null ? ` of ${current.examplesTotal}` : ""} examples
            {current.currentLayer !== null ? ` · layer ${current.currentLayer}` : ""}
          </p>
          {current.status === "queued" && current.error && <p className="muted">{current.error}</p>}
        </div>
      )}
      {current.status === "failed" && !initial.error && current.error && (
        <div className="notice notice--error" role="alert">
          The run failed: {current.error}
        </div>
      )}
      {canControl && (
        <div className="actions">
          {!finished && (
            <button type="button" className="button button--danger" disabled={cancel.isPending || current.cancelRequested} onClick={() => cancel.mutate({ id: runId })}>
              Cancel run
            </button>
          )}
          {finished && (
            <button type="button" className="button" disabled={rerun.isPending} onClick={() => rerun.mutate({ id: runId })}>
              Run again
            </button>
          )}
          {(cancel.isPending || rerun.isPending) && <span className="muted">Working…</span>}
        </div>
      )}
      <FormError message={err?.message ?? null} />
    </div>
  );
}
