"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { FormError } from "../../_components/form-bits";
import { errorInfo } from "../../_lib/errors";
import { plural } from "../../_lib/format";
import { useTRPC } from "../../_trpc/client";

/**
 * For moderators: queue every published experiment that has no run on this model yet. The server
 * decides what is missing (and refuses a model that is not ready); the page is read again after.
 */
export function QueueAllButton({ name, notYetRun, canQueue, statusLabel }: { name: string; notYetRun: number; canQueue: boolean; statusLabel: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queue = useMutation(trpc.models.queueAll.mutationOptions({ onSuccess: () => router.refresh() }));
  const error = queue.error ? errorInfo(queue.error) : null;

  return (
    <div className="models-queue__action" data-testid="queue-all">
      <p className="muted">Runs cost worker time; as a moderator you can queue every published experiment that has not run on this model yet.</p>
      {!canQueue && <p className="muted">The model is {statusLabel.toLowerCase()}, not ready: runs can be queued once it is.</p>}
      <div className="actions">
        <button type="button" className="button" disabled={queue.isPending || !canQueue} aria-describedby="queue-all-status" onClick={() => queue.mutate({ name })}>
          {queue.isPending ? "Queueing…" : "Queue all published experiments"}
        </button>
        {canQueue && notYetRun === 0 && !queue.isSuccess && <span className="muted">Nothing is missing right now.</span>}
      </div>
      <p id="queue-all-status" role="status" aria-live="polite" className={queue.isSuccess ? "notice notice--success" : "visually-hidden"} data-testid="queue-all-result">
        {queue.isPending && "Queueing runs…"}
        {queue.isSuccess &&
          (queue.data.queued === 0 ? "Nothing to queue: every published experiment already has a run on this model." : `Queued ${plural(queue.data.queued, "run")}. Workers pick them up in order.`)}
      </p>
      <FormError message={error?.message ?? null} />
    </div>
  );
}
