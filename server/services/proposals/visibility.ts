import type { SessionUser } from "../../trpc/context";

/**
 * Who may see a proposal (and its discussion): anyone once it is about a technique (technique
 * histories are public); a new technique that is not accepted, only its author and moderators.
 */
export function canSeeProposal(viewer: SessionUser | null, row: { techniqueId: number | null; authorId: string }): boolean {
  if (row.techniqueId !== null) return true;
  return viewer !== null && (viewer.id === row.authorId || viewer.role === "moderator" || viewer.role === "admin");
}
