"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { TECHNIQUE_LIMITS } from "~/server/services/technique-input";
import { FieldError, invalidProps } from "../../_components/form-bits";
import { errorInfo } from "../../_lib/errors";
import { useTRPC } from "../../_trpc/client";
import { FocusedFormError } from "../../_components/focused-form-error";
import { ProposalSent, ReasonField } from "./proposal-form-bits";

/** A new name and/or slug for the technique; the old slug will redirect. */
export function ProposeRenameForm({ slug, name }: { slug: string; name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const [newName, setNewName] = useState(name);
  const [newSlug, setNewSlug] = useState(slug);
  const [message, setMessage] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const propose = useMutation(
    trpc.revisions.proposeRename.mutationOptions({
      onSuccess: () => {
        setMessage("");
        router.refresh();
      },
    }),
  );
  const err = propose.error ? errorInfo(propose.error) : null;
  const fe = (field: string) => err?.fieldErrors[field];

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setLocalError(null);
    const nameChanged = newName.trim() !== name;
    const slugChanged = newSlug.trim() !== slug;
    if (!nameChanged && !slugChanged) {
      setLocalError("Change the name, the slug or both first.");
      return;
    }
    propose.mutate({ slug, name: nameChanged ? newName.trim() : undefined, newSlug: slugChanged ? newSlug.trim() : undefined, message });
  }
  const formError = localError ?? (err ? (Object.keys(err.fieldErrors).length ? "Please correct the marked fields." : err.message) : null);

  return (
    <form className="form card" onSubmit={onSubmit} noValidate data-testid="propose-rename-form" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="proposal__subhead">
        Rename
      </h3>
      <p className="muted">A new name, a new slug (address), or both. The current address keeps working: it will redirect to the new one.</p>
      {propose.data && <ProposalSent id={propose.data.id} what="rename" />}
      <FocusedFormError message={formError} />
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} className="input" maxLength={TECHNIQUE_LIMITS.name} value={newName} onChange={(e) => setNewName(e.target.value)} {...invalidProps(`${id}-name-err`, fe("name"))} />
        <FieldError id={`${id}-name-err`} message={fe("name")} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-slug`}>Slug</label>
        <input
          id={`${id}-slug`}
          className="input"
          maxLength={TECHNIQUE_LIMITS.slug}
          value={newSlug}
          onChange={(e) => setNewSlug(e.target.value)}
          {...invalidProps(`${id}-slug-err`, fe("newSlug"), `${id}-slug-hint`)}
        />
        <p id={`${id}-slug-hint`} className="hint">
          Lowercase letters, digits and hyphens: the page will be /techniques/{newSlug.trim() || "…"}.
        </p>
        <FieldError id={`${id}-slug-err`} message={fe("newSlug")} />
      </div>
      <ReasonField id={id} label="Why rename it? (required)" value={message} onChange={setMessage} error={fe("message")} />
      <div className="actions">
        <button type="submit" className="button" disabled={propose.isPending}>
          {propose.isPending ? "Submitting…" : "Propose the rename"}
        </button>
      </div>
    </form>
  );
}
