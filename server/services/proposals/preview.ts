import type { Database } from "~/db/client";
import { DomainError } from "../../errors";
import type { RateLimit } from "../rate-limit";
import { effectiveEdit } from "../revisions";
import { assertParentsAllowed } from "../taxonomy-graph";
import { checkedNewTechnique } from "./create";
import type { PreviewInput } from "./input";
import { proposalViews, type ProposalRow, type ProposalView } from "./views";

/** Previews render Markdown: bounded per person like writes are, though nothing is saved. */
export const PREVIEW_RATE_LIMIT: RateLimit = { name: "proposal-preview", max: 120, windowSeconds: 10 * 60, what: "previews in a short time" };

export interface ProposalPreview {
  /** What the proposal would show reviewers; null when it changes nothing. */
  view: ProposalView | null;
  /** What would stop the proposal (slug taken, unknown parent, a cycle…), in words; empty when it can be submitted. */
  problems: string[];
}

async function collect(problems: string[], check: () => Promise<unknown>): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (error instanceof DomainError) problems.push(error.message);
    else throw error;
  }
}

/** The diff and rendered description the author sees before submitting; nothing is stored. */
export async function previewProposal(db: Database, input: PreviewInput): Promise<ProposalPreview> {
  const problems: string[] = [];
  let row: ProposalRow;
  if (input.kind === "edit") {
    const { technique, changes, before } = await effectiveEdit(db, input.slug, input.changes);
    if (Object.keys(changes).length === 0) return { view: null, problems: ["This edit changes nothing yet: change at least one field."] };
    if (changes.parents) await collect(problems, () => assertParentsAllowed(db, technique.id, changes.parents ?? []));
    row = { id: 0, kind: "edit", status: "pending", techniqueId: technique.id, changes, before };
  } else {
    let technique = input.technique;
    await collect(problems, async () => {
      technique = await checkedNewTechnique(db, input.technique);
    });
    row = { id: 0, kind: "create", status: "pending", techniqueId: null, changes: technique, before: {} };
  }
  const views = await proposalViews(db, [row], { withPreview: true });
  return { view: views.get(0) ?? null, problems };
}
