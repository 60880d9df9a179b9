import { api } from "~/server/trpc/server-caller";
import { CommentThreadClient } from "./comment-thread-client";
import type { CommentTargetType } from "./types";

/**
 * The discussion of an experiment, run, technique or paper, for server pages:
 * `<CommentThread target="run" id={run.id} />`. Page 1 is read here; the client part posts,
 * replies, edits, deletes, hides and pages. Client pages use `CommentThreadClient` directly.
 */
export async function CommentThread({ target, id }: { target: CommentTargetType; id: string | number }) {
  const caller = await api();
  const initial = await caller.comments.list({ target, id, page: 1 });
  return <CommentThreadClient target={target} id={id} initial={initial} />;
}

export { CommentThreadClient };
