import type { CommentItem } from "./types";

/**
 * A comment's text: sanitised HTML rendered when it was written (server/render), or its source as
 * plain text with the reason when it could not be rendered; placeholders for deleted and hidden ones.
 */
export function CommentBody({ comment }: { comment: CommentItem }) {
  if (comment.deleted) return <p className="comment__placeholder">[deleted]</p>;
  if (!comment.content) return <p className="comment__placeholder">Hidden by a moderator.</p>;
  const { html, renderError, source } = comment.content;
  if (html !== null) {
    // Our renderer's output: markdown without raw HTML, KaTeX without trust, then an allowlist sanitiser.
    return <div className="prose comment__body" data-testid="comment-body" dangerouslySetInnerHTML={{ __html: html }} />;
  }
  return (
    <div className="comment__body" data-testid="comment-body">
      <p className="notice" role="note">
        This comment could not be rendered ({renderError ?? "the renderer is busy; try again later"}); showing its source.
      </p>
      <pre className="markdown-source">{source}</pre>
    </div>
  );
}
