"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useRef, useState } from "react";
import { errorInfo } from "../../_lib/errors";
import { formatDateTime, plural } from "../../_lib/format";
import { useTRPC } from "../../_trpc/client";
import { CommentBody } from "./comment-body";
import { CommentForm } from "./comment-form";
import type { CommentItem, CommentList, CommentTargetType } from "./types";

interface Props {
  target: CommentTargetType;
  id: string | number;
  /** Page 1 as read on the server (no loading flash); later pages are fetched here. */
  initial?: CommentList;
}

/**
 * A target's discussion: threads newest first (50 a page), replies under them, a box to post, and
 * per comment reply / edit / delete (your own) / hide (moderators). Everything works by keyboard.
 */
export function CommentThreadClient({ target, id, initial }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pathname = usePathname();
  const [page, setPage] = useState(1);
  const [announcement, setAnnouncement] = useState("");
  const headingRef = useRef<HTMLHeadingElement>(null);
  const input = { target, id, page };
  const list = useQuery({ ...trpc.comments.list.queryOptions(input), initialData: page === 1 ? initial : undefined });
  const refresh = () => queryClient.invalidateQueries(trpc.comments.list.queryFilter());
  const create = useMutation(trpc.comments.create.mutationOptions({ onSuccess: refresh }));

  const data = list.data;
  const signInHref = `/signin?callbackUrl=${encodeURIComponent(`${pathname ?? "/"}#discussion`)}`;

  return (
    <section aria-labelledby="discussion" className="discussion" data-testid="discussion">
      <h2 id="discussion" ref={headingRef} tabIndex={-1}>
        Discussion{data ? <span className="muted"> ({data.count})</span> : null}
      </h2>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {data?.viewer.signedIn ? (
        <CommentForm
          label="Add a comment"
          submitLabel="Post comment"
          maxChars={data.limits.maxChars}
          pending={create.isPending}
          error={create.error}
          testId="new-comment"
          onSubmit={async (body) => {
            await create.mutateAsync({ target, id, body });
            setPage(1);
            setAnnouncement("Comment posted.");
          }}
        />
      ) : data ? (
        <p className="notice notice--info">
          <Link href={signInHref}>Sign in to comment</Link>.
        </p>
      ) : null}

      {list.isError && !data && (
        <p className="notice notice--error" role="alert">
          The discussion could not be loaded: {errorInfo(list.error).message}
        </p>
      )}
      {!data && list.isPending && <p className="muted">Loading the discussion…</p>}
      {data && data.items.length === 0 && <p className="empty">No comments yet.{data.viewer.signedIn ? " Start the discussion above." : ""}</p>}
      {data && data.items.length > 0 && (
        <ol className="comment-list" aria-label="Comments">
          {data.items.map((c) => (
            <CommentNode key={c.id} comment={c} level={1} target={target} targetId={id} maxChars={data.limits.maxChars} onChanged={refresh} announce={setAnnouncement} />
          ))}
        </ol>
      )}
      {data && data.pageCount > 1 && (
        <nav className="pagination" aria-label="Comment pages">
          <button
            type="button"
            className="button button--small button--ghost"
            disabled={page <= 1}
            onClick={() => {
              setPage((p) => Math.max(1, p - 1));
              headingRef.current?.focus();
            }}
          >
            Newer
          </button>
          <span>
            Page {data.page} of {data.pageCount}
          </span>
          <button
            type="button"
            className="button button--small button--ghost"
            disabled={page >= data.pageCount}
            onClick={() => {
              setPage((p) => p + 1);
              headingRef.current?.focus();
            }}
          >
            Older
          </button>
        </nav>
      )}
    </section>
  );
}

interface NodeProps {
  comment: CommentItem;
  level: number;
  target: CommentTargetType;
  targetId: string | number;
  maxChars: number;
  onChanged: () => Promise<unknown>;
  announce: (text: string) => void;
}

type Mode = "view" | "reply" | "edit" | "confirm-delete";

function CommentNode({ comment, level, target, targetId, maxChars, onChanged, announce }: NodeProps) {
  const trpc = useTRPC();
  const [mode, setMode] = useState<Mode>("view");
  const actionsRef = useRef<HTMLDivElement>(null);
  const reply = useMutation(trpc.comments.create.mutationOptions({ onSuccess: onChanged }));
  const edit = useMutation(trpc.comments.edit.mutationOptions({ onSuccess: onChanged }));
  const remove = useMutation(trpc.comments.delete.mutationOptions({ onSuccess: onChanged }));
  const hide = useMutation(trpc.comments.setHidden.mutationOptions({ onSuccess: onChanged }));
  const actionError = remove.error ?? hide.error;
  const who = comment.author ?? "a deleted comment";
  const back = () => {
    setMode("view");
    window.setTimeout(() => actionsRef.current?.querySelector("button")?.focus(), 0);
  };

  return (
    <li id={`comment-${comment.id}`} className="comment" data-testid="comment" data-comment-id={comment.id}>
      <article aria-label={comment.deleted ? "Deleted comment" : `Comment by ${who}`} className={comment.hidden ? "comment__card comment__card--hidden" : "comment__card"}>
        <header className="comment__meta">
          {comment.author ? <strong className="comment__author">{comment.author}</strong> : <span className="muted">[deleted]</span>}
          <a href={`#comment-${comment.id}`} className="comment__time">
            <time dateTime={new Date(comment.createdAt).toISOString()}>{formatDateTime(comment.createdAt)}</time>
          </a>
          {comment.editedAt && <span className="muted">(edited)</span>}
          {comment.hidden && comment.content && <span className="badge">hidden by a moderator — only its author and moderators see it</span>}
        </header>
        {mode === "edit" && comment.content ? (
          <CommentForm
            label="Edit your comment"
            submitLabel="Save"
            initial={comment.content.source}
            maxChars={maxChars}
            pending={edit.isPending}
            error={edit.error}
            autoFocus
            testId="edit-comment"
            onCancel={back}
            onSubmit={async (body) => {
              await edit.mutateAsync({ id: comment.id, body });
              announce("Comment saved.");
              back();
            }}
          />
        ) : (
          <CommentBody comment={comment} />
        )}
        {mode !== "edit" && (
          <div className="comment__actions" ref={actionsRef}>
            {mode === "confirm-delete" ? (
              <span role="group" aria-label="Confirm deletion" className="comment__confirm">
                Delete this comment?{" "}
                <button
                  type="button"
                  className="button button--small button--danger"
                  autoFocus
                  disabled={remove.isPending}
                  onClick={async () => {
                    try {
                      await remove.mutateAsync({ id: comment.id });
                      announce("Comment deleted.");
                    } catch {
                      // shown below
                    }
                    setMode("view");
                  }}
                >
                  Delete
                </button>{" "}
                <button type="button" className="button button--small button--ghost" onClick={back}>
                  Keep
                </button>
              </span>
            ) : (
              <>
                {comment.canReply && (
                  <button type="button" className="linklike" aria-expanded={mode === "reply"} onClick={() => setMode(mode === "reply" ? "view" : "reply")}>
                    Reply
                  </button>
                )}
                {comment.canEdit && (
                  <button type="button" className="linklike" onClick={() => setMode("edit")}>
                    Edit
                  </button>
                )}
                {comment.canDelete && (
                  <button type="button" className="linklike" onClick={() => setMode("confirm-delete")}>
                    Delete
                  </button>
                )}
                {comment.canModerate && (
                  <button
                    type="button"
                    className="linklike"
                    disabled={hide.isPending}
                    onClick={async () => {
                      try {
                        await hide.mutateAsync({ id: comment.id, hidden: !comment.hidden });
                        announce(comment.hidden ? "Comment shown again." : "Comment hidden.");
                      } catch {
                        // shown below
                      }
                    }}
                  >
                    {comment.hidden ? "Unhide" : "Hide"}
                  </button>
                )}
              </>
            )}
          </div>
        )}
        {actionError && (
          <p className="notice notice--error" role="alert">
            {errorInfo(actionError).message}
          </p>
        )}
        {mode === "reply" && (
          <CommentForm
            label={`Reply to ${who}`}
            submitLabel="Post reply"
            maxChars={maxChars}
            pending={reply.isPending}
            error={reply.error}
            autoFocus
            testId="reply-comment"
            onCancel={back}
            onSubmit={async (body) => {
              await reply.mutateAsync({ target, id: targetId, parentId: comment.id, body });
              announce("Reply posted.");
              setMode("view");
            }}
          />
        )}
      </article>
      {comment.replies.length > 0 && (
        <ol className="comment-list comment-list--replies" aria-label={`${plural(comment.replies.length, "reply", "replies")} to ${who}`}>
          {comment.replies.map((r) => (
            <CommentNode key={r.id} comment={r} level={level + 1} target={target} targetId={targetId} maxChars={maxChars} onChanged={onChanged} announce={announce} />
          ))}
        </ol>
      )}
    </li>
  );
}
