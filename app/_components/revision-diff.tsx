import Link from "next/link";
import type { ReactNode } from "react";
import { facetLabel, PAPER_RELATION_LABELS, PAPER_RELATIONS } from "../_lib/facets";
import type { RouterOutputs } from "../_lib/types";
import { RenderedMarkdown } from "./markdown";

/** A proposal of any kind as the server put it in words (kind, summary, field diffs, relations…). */
export type ProposalView = RouterOutputs["revisions"]["byId"]["view"];
type FieldChange = ProposalView["fields"][number];
type TextDiff = NonNullable<FieldChange["diff"]>;

const FACET_FIELDS = new Set(["approach", "direction", "unit"]);

function Value({ field, value }: { field: string; value: unknown }) {
  if (value === null || value === undefined || value === "") return <span className="diff__empty">{FACET_FIELDS.has(field) ? facetLabel(null) : "empty"}</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="diff__empty">none</span>;
    return <span>{value.map((v) => String(v)).join(", ")}</span>;
  }
  if (typeof value === "string") return <pre className="diff__value">{FACET_FIELDS.has(field) ? facetLabel(value) : value}</pre>;
  return <pre className="diff__value">{JSON.stringify(value, null, 2)}</pre>;
}

/**
 * One side of a word diff: the whole text as it was (removals struck through) or as it becomes
 * (additions highlighted), so each column reads as a complete text and the changes stand out.
 */
export function WordDiffSide({ diff, side }: { diff: TextDiff; side: "before" | "after" }) {
  const hidden = side === "before" ? "insert" : "delete";
  const parts = diff.parts.filter((p) => p.op !== hidden);
  if (parts.length === 0) return <span className="diff__empty">empty</span>;
  return (
    <pre className="diff__value diff__words" data-testid={`word-diff-${side}`}>
      {parts.map((part, i) =>
        part.op === "equal" ? (
          <span key={i}>{part.text}</span>
        ) : part.op === "delete" ? (
          <del key={i} className="diff__del">
            {part.text}
          </del>
        ) : (
          <ins key={i} className="diff__ins">
            {part.text}
          </ins>
        ),
      )}
    </pre>
  );
}

/** A list field (aliases, parents): what was removed, kept and added. */
function ListDiff({ before, after }: { before: unknown[]; after: unknown[] }) {
  const was = before.map(String);
  const now = after.map(String);
  const items = [...was.map((v) => ({ v, op: now.includes(v) ? "equal" : "delete" })), ...now.filter((v) => !was.includes(v)).map((v) => ({ v, op: "insert" }))];
  if (items.length === 0) return <span className="diff__empty">none</span>;
  return (
    <ul className="diff__list">
      {items.map(({ v, op }) => (
        <li key={`${op}-${v}`}>
          {op === "delete" ? (
            <del className="diff__del">
              <span className="visually-hidden">[removed: </span>
              {v}
              <span className="visually-hidden">]</span>
            </del>
          ) : op === "insert" ? (
            <ins className="diff__ins">
              <span className="visually-hidden">[added: </span>
              {v}
              <span className="visually-hidden">]</span>
            </ins>
          ) : (
            v
          )}
        </li>
      ))}
    </ul>
  );
}

/** A text field's row: the text before and after, side by side, with the changed words marked. */
export function WordDiffRow({ label, diff }: { label: string; diff: TextDiff }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className="diff__before">
        <WordDiffSide diff={diff} side="before" />
      </td>
      <td className="diff__after">
        <WordDiffSide diff={diff} side="after" />
        {diff.granularity !== "word" && (
          <p className="hint diff__granularity">{diff.granularity === "line" ? "A long text: changes marked line by line." : "The texts differ almost everywhere."}</p>
        )}
      </td>
    </tr>
  );
}

function FieldRow({ change }: { change: FieldChange }) {
  if (change.diff) return <WordDiffRow label={change.label} diff={change.diff} />;
  const label = <th scope="row">{change.label}</th>;
  if (Array.isArray(change.before) && Array.isArray(change.after)) {
    return (
      <tr>
        {label}
        <td colSpan={2}>
          <ListDiff before={change.before} after={change.after} />
        </td>
      </tr>
    );
  }
  return (
    <tr>
      {label}
      <td className="diff__before">
        <Value field={change.field} value={change.before} />
      </td>
      <td className="diff__after">
        <Value field={change.field} value={change.after} />
      </td>
    </tr>
  );
}

const relationLabel = (relation: string) => PAPER_RELATION_LABELS[PAPER_RELATIONS.find((r) => r === relation) ?? "applies"] ?? relation;

function TechniqueName({ technique }: { technique: { slug: string | null; name: string } }) {
  return technique.slug ? <Link href={`/techniques/${technique.slug}`}>{technique.name}</Link> : <>{technique.name}</>;
}

/** The server's one-sentence account of a proposal, above its diff. */
export function ProposalSummary({ summary }: { summary: string | null }) {
  if (!summary) return null;
  return (
    <p className="proposal__summary" data-testid="proposal-summary">
      {summary}
    </p>
  );
}

/** The field table: Field | Before | After, or Field | Proposed for something new. */
export function DiffTable({ proposedOnly = false, children }: { proposedOnly?: boolean; children: ReactNode }) {
  return (
    <table className="diff">
      <thead>
        <tr>
          <th scope="col">Field</th>
          {proposedOnly ? (
            <th scope="col" colSpan={2}>
              Proposed
            </th>
          ) : (
            <>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </>
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

/**
 * What a proposal changes, for the review queue, the technique history and the proposal page:
 * a sentence, field diffs (word-level for text), relations in words, a new technique's papers, and,
 * when the server rendered it, a preview of the proposed description.
 */
export function RevisionDiff({ view, showPreview = false }: { view: ProposalView; showPreview?: boolean }) {
  const isNew = view.kind === "create";
  return (
    <div className="proposal" data-testid="proposal-diff">
      <ProposalSummary summary={view.summary} />
      {view.fields.length > 0 && (
        <DiffTable proposedOnly={isNew}>
          {view.fields.map((change) =>
            isNew ? (
              <tr key={change.field}>
                <th scope="row">{change.label}</th>
                <td colSpan={2} className="diff__after">
                  <Value field={change.field} value={change.after} />
                </td>
              </tr>
            ) : (
              <FieldRow key={change.field} change={change} />
            ),
          )}
        </DiffTable>
      )}
      {view.relations.length > 0 && (
        <ul className="proposal__relations" aria-label="Relations">
          {view.relations.map((r, i) => (
            <li key={i} className={`proposal__relation proposal__relation--${r.action}`}>
              <span className={`badge badge--${r.action === "add" ? "accepted" : "rejected"}`}>{r.action === "add" ? "Add" : "Remove"}</span> <TechniqueName technique={r.from} />{" "}
              <span className="muted">{r.kind.replace(/_/g, " ")}</span> <TechniqueName technique={r.to} /> <span className="proposal__sentence">({r.sentence})</span>
            </li>
          ))}
        </ul>
      )}
      {isNew && (
        <div className="proposal__papers">
          <h3 className="proposal__subhead">Papers</h3>
          {view.papers.length === 0 ? (
            <p className="muted">No papers.</p>
          ) : (
            <ul className="plain-list">
              {view.papers.map((p) => (
                <li key={`${p.id}-${p.relation}`}>
                  <span className="muted">{relationLabel(p.relation)}:</span> <Link href={`/papers/${p.id}`}>{p.title ?? `Paper #${p.id} (no longer on MechMap)`}</Link>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {view.leftOut.length > 0 && (
        <div className="proposal__left-out">
          <p>Relations not carried over:</p>
          <ul>
            {view.leftOut.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      {showPreview && view.preview && (
        <details className="proposal__preview" open>
          <summary>Preview of the proposed description</summary>
          {view.preview.html !== null ? (
            <RenderedMarkdown html={view.preview.html} source="" error={null} />
          ) : (
            <p className="notice" role="note">
              The description cannot be shown rendered: {view.preview.error}
            </p>
          )}
        </details>
      )}
    </div>
  );
}

/** What the author sees after "Preview": what would stop the proposal, then the diff and the rendered description. */
export function ProposalPreview({ preview, outdated }: { preview: { view: ProposalView | null; problems: string[] }; outdated: boolean }) {
  return (
    <section className="proposal-preview" aria-label="Preview" data-testid="proposal-preview">
      <h3 className="proposal__subhead">Preview{outdated && <span className="muted"> (the form changed since; preview again)</span>}</h3>
      {preview.problems.length > 0 && (
        <div className="notice notice--error" role="alert">
          <p style={{ margin: 0 }}>This cannot be submitted as it is:</p>
          <ul>
            {preview.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      {preview.view ? <RevisionDiff view={preview.view} showPreview /> : preview.problems.length === 0 && <p className="muted">Nothing to preview.</p>}
    </section>
  );
}
