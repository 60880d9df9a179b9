import type { UserRole } from "~/db/schema";
import { DomainError } from "../../errors";
import type { SessionUser } from "../../trpc/context";

/**
 * Who may do what with an experiment: everyone reads published ones; drafts are seen by their
 * author and by moderators; only the author edits and publishes; the author or a moderator
 * reruns and cancels runs.
 */
export const isStaff = (role: UserRole | undefined) => role === "moderator" || role === "admin";

export function canView(viewer: SessionUser | null, experiment: { ownerId: string; state: "draft" | "published" }): boolean {
  return experiment.state === "published" || viewer?.id === experiment.ownerId || isStaff(viewer?.role);
}

export function canEdit(viewer: SessionUser | null, experiment: { ownerId: string }): boolean {
  return viewer !== null && viewer.id === experiment.ownerId;
}

export function canControlRuns(viewer: SessionUser | null, experiment: { ownerId: string }): boolean {
  return viewer !== null && (viewer.id === experiment.ownerId || isStaff(viewer.role));
}

export function assertCanEdit(viewer: SessionUser, experiment: { ownerId: string }): void {
  if (!canEdit(viewer, experiment)) throw new DomainError("FORBIDDEN", "Only the experiment's author can edit or publish it.");
}

export function assertCanControlRuns(viewer: SessionUser, experiment: { ownerId: string }): void {
  if (!canControlRuns(viewer, experiment)) throw new DomainError("FORBIDDEN", "Only the experiment's author or a moderator can rerun or cancel its runs.");
}
