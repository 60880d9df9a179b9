import Link from "next/link";
import { WordDiffSide } from "../_components/revision-diff";
import type { RouterOutputs } from "../_lib/types";

export type PaperProposal = RouterOutputs["paperRevisions"]["byId"];
export type PaperProposalView = PaperProposal["view"];

/** What a paper proposal changes: a sentence, then the word diff of each corrected field, or the link added or removed. */
export function PaperRevisionDiff({ view }: { view: PaperProposalView }) {
  return (
    <div className="proposal" data-testid="paper-proposal-diff">
      <p className="proposal__summary" data-testid="proposal-summary">
        {view.summary}
      </p>
      {view.fields.length > 0 && (
        <table className="diff">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {view.fields.map((change) => (
              <tr key={change.field}>
                <th scope="row">{change.label}</th>
                <td className="diff__before">
                  <WordDiffSide diff={change.diff} side="before" />
                </td>
                <td className="diff__after">
                  <WordDiffSide diff={change.diff} side="after" />
                  {change.diff.granularity !== "word" && (
                    <p className="hint diff__granularity">{change.diff.granularity === "line" ? "A long text: changes marked line by line." : "The texts differ almost everywhere."}</p>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
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
