"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { MAX_RELATION_CHANGES } from "~/server/services/proposals/input";
import { errorInfo } from "../../_lib/errors";
import type { RelationKind, TechniqueOption } from "../../_lib/types";
import { useTRPC } from "../../_trpc/client";
import { FocusedFormError } from "../../_components/focused-form-error";
import { firstFieldError, ProposalSent, ReasonField } from "./proposal-form-bits";

/** A relation of this technique as it stands, for the "remove" list. */
export interface ExistingRelation {
  from: string;
  to: string;
  kind: RelationKind;
  /** "is a kind of Probing", told from this technique. */
  label: string;
}

/** How a relation reads from this technique: the kind, and whether this technique is its `from` end. */
const PHRASES: ReadonlyArray<{ key: string; label: string; kind: RelationKind; thisIsFrom: boolean }> = [
  { key: "kind_of-child", label: "is a kind of", kind: "kind_of", thisIsFrom: false },
  { key: "kind_of-parent", label: "has the kind", kind: "kind_of", thisIsFrom: true },
  { key: "uses-from", label: "uses", kind: "uses", thisIsFrom: true },
  { key: "uses-to", label: "is used by", kind: "uses", thisIsFrom: false },
  { key: "alternative_to-from", label: "is an alternative to", kind: "alternative_to", thisIsFrom: true },
  { key: "evaluates-from", label: "evaluates", kind: "evaluates", thisIsFrom: true },
  { key: "evaluates-to", label: "is evaluated by", kind: "evaluates", thisIsFrom: false },
  { key: "refines-from", label: "refines", kind: "refines", thisIsFrom: true },
  { key: "refines-to", label: "is refined by", kind: "refines", thisIsFrom: false },
];

interface Row {
  key: number;
  phrase: string;
  other: string;
}

/** Add and/or remove relations of this technique, several in one proposal. */
export function ProposeRelationsForm({ slug, name, options, existing }: { slug: string; name: string; options: TechniqueOption[]; existing: ExistingRelation[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const [rows, setRows] = useState<Row[]>([{ key: 0, phrase: "", other: "" }]);
  const [removed, setRemoved] = useState<string[]>([]);
  const [message, setMessage] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const propose = useMutation(
    trpc.revisions.proposeRelations.mutationOptions({
      onSuccess: () => {
        setRows([{ key: 0, phrase: "", other: "" }]);
        setRemoved([]);
        setMessage("");
        router.refresh();
      },
    }),
  );
  const err = propose.error ? errorInfo(propose.error) : null;
  const fe = (field: string) => err?.fieldErrors[field];
  const keyOf = (r: { from: string; to: string; kind: string }) => `${r.from}>${r.to}:${r.kind}`;
  const update = (key: number, patch: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setLocalError(null);
    const filled = rows.filter((r) => r.phrase !== "" || r.other !== "");
    if (filled.some((r) => r.phrase === "" || r.other === "")) {
      setLocalError("Each relation to add needs both a kind and a technique.");
      return;
    }
    const add = filled.map((r) => {
      const phrase = PHRASES.find((p) => p.key === r.phrase)!;
      return phrase.thisIsFrom ? { from: slug, to: r.other, kind: phrase.kind } : { from: r.other, to: slug, kind: phrase.kind };
    });
    const remove = existing.filter((x) => removed.includes(keyOf(x))).map(({ from, to, kind }) => ({ from, to, kind }));
    if (add.length + remove.length === 0) {
      setLocalError("Add a relation or tick one to remove first.");
      return;
    }
    propose.mutate({ add, remove, subject: slug, message });
  }
  const formError = localError ?? (err ? (Object.keys(err.fieldErrors).some((k) => k !== "message") ? (firstFieldError(err.fieldErrors, "add") ?? "Please correct the marked fields.") : err.message) : null);

  return (
    <form className="form card" onSubmit={onSubmit} noValidate data-testid="propose-relations-form" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="proposal__subhead">
        Propose relations
      </h3>
      <p className="muted">
        Add relations between ‘{name}’ and other techniques, or remove some. A moderator checks them; a “kind of” that would make the hierarchy circular is refused.
      </p>
      {propose.data && <ProposalSent id={propose.data.id} what="relations proposal" />}
      <FocusedFormError message={formError} />
      <fieldset>
        <legend>Add</legend>
        <div className="link-rows">
          {rows.map((row, i) => (
            <div key={row.key} className="relation-row" role="group" aria-label={`Relation to add ${i + 1}`}>
              <span className="relation-row__this">{name}</span>
              <div className="field">
                <label htmlFor={`${id}-p-${row.key}`} className="visually-hidden">
                  Kind of relation {i + 1}
                </label>
                <select id={`${id}-p-${row.key}`} className="select" value={row.phrase} onChange={(e) => update(row.key, { phrase: e.target.value })}>
                  <option value="">Choose the relation…</option>
                  {PHRASES.map((p) => (
                    <option key={p.key} value={p.key}>
                      {p.label}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`${id}-o-${row.key}`} className="visually-hidden">
                  Other technique {i + 1}
                </label>
                <select id={`${id}-o-${row.key}`} className="select" value={row.other} onChange={(e) => update(row.key, { other: e.target.value })}>
                  <option value="">Choose a technique…</option>
                  {options.map((o) => (
                    <option key={o.slug} value={o.slug}>
                      {o.name}
                    </option>
                  ))}
                </select>
              </div>
              {rows.length > 1 && (
                <button type="button" className="button button--ghost button--small" onClick={() => setRows((rs) => rs.filter((r) => r.key !== row.key))} aria-label={`Remove row ${i + 1}`}>
                  Remove row
                </button>
              )}
            </div>
          ))}
        </div>
        {rows.length < MAX_RELATION_CHANGES && (
          <p style={{ margin: "0.6rem 0 0" }}>
            <button type="button" className="button button--ghost button--small" onClick={() => setRows((rs) => [...rs, { key: Math.max(...rs.map((r) => r.key)) + 1, phrase: "", other: "" }])}>
              + Another relation
            </button>
          </p>
        )}
      </fieldset>
      <fieldset>
        <legend>Remove</legend>
        {existing.length === 0 ? (
          <p className="muted">‘{name}’ has no relations yet.</p>
        ) : (
          <div className="checklist" role="group" aria-label="Relations to remove">
            {existing.map((x) => (
              <label key={keyOf(x)} className="check">
                <input
                  type="checkbox"
                  checked={removed.includes(keyOf(x))}
                  onChange={(e) => setRemoved((rs) => (e.target.checked ? [...rs, keyOf(x)] : rs.filter((k) => k !== keyOf(x))))}
                />
                {name} {x.label}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <ReasonField id={id} label="Why? (required)" value={message} onChange={setMessage} error={fe("message")} />
      <div className="actions">
        <button type="submit" className="button" disabled={propose.isPending}>
          {propose.isPending ? "Submitting…" : "Propose the relations"}
        </button>
      </div>
    </form>
  );
}
