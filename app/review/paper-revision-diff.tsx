import Link from "next/link";
import { DiffTable, ProposalSummary, WordDiffRow } from "../_components/revision-diff";
import type { RouterOutputs } from "../_lib/types";

export type PaperProposal = RouterOutputs["paperRevisions"]["byId"];
export type PaperProposalView = PaperProposal["view"];

/** What a paper proposal changes: a sentence, then the word diff of each corrected field, or the link added or removed. */
export function PaperRevisionDiff({ view }: { view: PaperProposalView }) {
  return (
    <div className="proposal" data-testid="paper-proposal-diff">
      <ProposalSummary summary={view.summary} />
      {view.fields.length > 0 && (
        <DiffTable>
          {view.fields.map((change) => (
            <WordDiffRow key={change.field} label={change.label} diff={change.diff} />
          ))}
        </DiffTable>
      )}
      {view.link && (
        <ul className="proposal__relations" aria-label="Link">
          <li className={`proposal__relation proposal__relation--${view.link.action === "link" ? "add" : "remove"}`}>
            <span className={`badge badge--${view.link.action === "link" ? "accepted" : "rejected"}`}>{view.link.action === "link" ? "Add" : "Remove"}</span> the paper{" "}
            <strong>{view.link.relation}</strong>{" "}
            {view.link.technique.slug ? <Link href={`/techniques/${view.link.technique.slug}`}>{view.link.technique.name}</Link> : view.link.technique.name}
            {view.link.note && <span className="proposal__sentence"> (note: {view.link.note})</span>}
          </li>
        </ul>
      )}
    </div>
  );
}
