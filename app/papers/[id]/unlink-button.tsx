"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { FocusedFormError } from "../../_components/focused-form-error";
import { ReasonField } from "../../_components/reason-field";
import { errorInfo } from "../../_lib/errors";
import type { PaperRelation } from "../../_lib/facets";
import { useTRPC } from "../../_trpc/client";
import { PaperProposalSent } from "./paper-proposal-sent";

/** "Propose removing" one link of the paper: opens a short form asking why. */
export function UnlinkButton({ paperId, technique, techniqueName, relation }: { paperId: number; technique: string; techniqueName: string; relation: PaperRelation }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState("");
  const propose = useMutation(trpc.paperRevisions.proposeUnlink.mutationOptions({ onSuccess: () => router.refresh() }));
  const err = propose.error ? errorInfo(propose.error) : null;

  if (propose.data) return <PaperProposalSent id={propose.data.id} what="removal of this link" />;
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    propose.mutate({ paperId, technique, relation, message });
  }
  return (
    <>
      <button type="button" className="button button--ghost button--small" style={{ marginLeft: "0.6rem" }} aria-expanded={open} aria-controls={`${id}-form`} onClick={() => setOpen((o) => !o)}>
        Propose removing<span className="visually-hidden"> the link to {techniqueName} ({relation})</span>
      </button>
      <div id={`${id}-form`} hidden={!open}>
        {open && (
          <form className="form" onSubmit={onSubmit} noValidate aria-label={`Remove the link to ${techniqueName} (${relation})`} data-testid="paper-unlink-form">
            <FocusedFormError message={err ? (err.fieldErrors.message ? "Please say why the link is wrong." : err.message) : null} attempt={propose.error} />
            <ReasonField id={id} label={`Why is the “${relation}” link to ${techniqueName} wrong? (required)`} value={message} onChange={setMessage} error={err?.fieldErrors.message} />
            <div className="actions">
              <button type="submit" className="button button--danger button--small" disabled={propose.isPending}>
                {propose.isPending ? "Submitting…" : "Propose removing the link"}
              </button>
            </div>
          </form>
        )}
      </div>
    </>
  );
}
