"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { FieldError, invalidProps } from "../../_components/form-bits";
import { errorInfo } from "../../_lib/errors";
import type { TechniqueOption } from "../../_lib/types";
import { useTRPC } from "../../_trpc/client";
import { FocusedFormError } from "../../_components/focused-form-error";
import { ProposalSent, ReasonField } from "./proposal-form-bits";

/** Merge this technique into another (duplicates, or a technique that is really another's name). */
export function ProposeMergeForm({ slug, name, options }: { slug: string; name: string; options: TechniqueOption[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const [target, setTarget] = useState("");
  const [message, setMessage] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const propose = useMutation(
    trpc.revisions.proposeMerge.mutationOptions({
      onSuccess: () => {
        setMessage("");
        router.refresh();
      },
    }),
  );
  const err = propose.error ? errorInfo(propose.error) : null;
  const fe = (field: string) => err?.fieldErrors[field];
  const targetName = options.find((o) => o.slug === target)?.name;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setLocalError(null);
    if (!target) {
      setLocalError("Choose the technique to merge into.");
      return;
    }
    propose.mutate({ source: slug, target, message });
  }
  const formError = localError ?? (err ? (Object.keys(err.fieldErrors).length ? "Please correct the marked fields." : err.message) : null);

  return (
    <form className="form card" onSubmit={onSubmit} noValidate data-testid="propose-merge-form" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="proposal__subhead">
        Merge ‘{name}’ into another technique
      </h3>
      <p className="muted">
        When accepted, everything on ‘{name}’ moves to the technique you choose: its name and aliases (as aliases), papers, experiments, relations, discussion, watchers and
        history. ‘{name}’ is then removed and /techniques/{slug} redirects to {targetName ? `‘${targetName}’` : "it"}.
      </p>
      {propose.data && <ProposalSent id={propose.data.id} what="merge" />}
      <FocusedFormError message={formError} />
      <div className="field">
        <label htmlFor={`${id}-target`}>Merge into</label>
        <select id={`${id}-target`} className="select" value={target} onChange={(e) => setTarget(e.target.value)} {...invalidProps(`${id}-target-err`, fe("target"))}>
          <option value="">Choose a technique…</option>
          {options.map((o) => (
            <option key={o.slug} value={o.slug}>
              {o.name}
            </option>
          ))}
        </select>
        <FieldError id={`${id}-target-err`} message={fe("target")} />
      </div>
      <ReasonField id={id} label="Why merge them? (required)" value={message} onChange={setMessage} error={fe("message")} />
      <div className="actions">
        <button type="submit" className="button" disabled={propose.isPending}>
          {propose.isPending ? "Submitting…" : "Propose the merge"}
        </button>
      </div>
    </form>
  );
}
