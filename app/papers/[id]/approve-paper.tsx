"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { errorInfo } from "../../_lib/errors";
import { useTRPC } from "../../_trpc/client";

/** A moderator's "Approve" for a member-added paper; the page refreshes to drop the badge. */
export function ApprovePaperButton({ paperId, title }: { paperId: number; title: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const approve = useMutation(trpc.papers.approve.mutationOptions({ onSuccess: () => router.refresh() }));
  const err = approve.error ? errorInfo(approve.error) : null;
  return (
    <span className="paper-approve">
      <button
        type="button"
        className="button button--success button--small"
        disabled={approve.isPending || approve.isSuccess}
        aria-label={`Approve “${title}”`}
        onClick={() => approve.mutate({ paperId })}
      >
        {approve.isPending ? "Approving…" : approve.isSuccess ? "Approved" : "Approve"}
      </button>
      <span role="status" className="paper-approve__status">
        {err ? <span className="field-error">{err.message}</span> : approve.isSuccess ? "Approved." : null}
      </span>
    </span>
  );
}
