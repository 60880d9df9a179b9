"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { FieldError, invalidProps } from "../../_components/form-bits";
import { errorInfo } from "../../_lib/errors";
import { useTRPC } from "../../_trpc/client";

/**
 * For moderators: record another name one of this paper's authors published under, so a search
 * for either name finds papers listed under the other.
 */
export function AuthorAliasForm({ authors }: { authors: string[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const [name, setName] = useState(authors[0] ?? "");
  const [alias, setAlias] = useState("");
  const add = useMutation(
    trpc.papers.addAuthorAlias.mutationOptions({
      onSuccess: () => {
        setAlias("");
        router.refresh();
      },
    }),
  );
  const err = add.error ? errorInfo(add.error) : null;
  const aliasError = err?.fieldErrors.alias ?? err?.fieldErrors.name ?? (err && Object.keys(err.fieldErrors).length === 0 ? err.message : undefined);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    add.mutate({ name, alias });
  }

  return (
    <details className="author-alias">
      <summary>Add another name for an author</summary>
      <form className="form author-alias__form" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-name`}>Author</label>
          <select id={`${id}-name`} className="select" value={name} onChange={(e) => setName(e.target.value)}>
            {authors.map((a, i) => (
              <option key={`${i}-${a}`} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-alias`}>Also published as</label>
          <input id={`${id}-alias`} className="input" value={alias} maxLength={200} onChange={(e) => setAlias(e.target.value)} {...invalidProps(`${id}-alias-err`, aliasError)} />
          <FieldError id={`${id}-alias-err`} message={aliasError} />
        </div>
        <div className="actions">
          <button type="submit" className="button button--small" disabled={add.isPending}>
            {add.isPending ? "Saving…" : "Add the name"}
          </button>
          <span role="status">{add.data ? (add.data.created ? `Saved: ${add.data.name} is also ${add.data.alias}.` : "That name was already known.") : null}</span>
        </div>
      </form>
    </details>
  );
}
