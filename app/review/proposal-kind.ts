import type { RevisionKind } from "~/db/schema";

/** A proposal's kind as a short label for badges. */
export const PROPOSAL_KIND_LABELS: Record<RevisionKind, string> = {
  edit: "Edit",
  create: "New technique",
  relations: "Relations",
  merge: "Merge",
  rename: "Rename",
};
