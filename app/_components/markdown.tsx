/**
 * A description rendered on the server when it was accepted (sanitised HTML, see server/render).
 * When it could not be rendered, the source is shown as text with the reason, so one bad text
 * never takes the page down.
 */
export function RenderedMarkdown({ html, source, error }: { html: string | null; source: string; error: string | null }) {
  if (html !== null) {
    // Our own output: markdown without raw HTML, KaTeX without trust, then an allowlist sanitiser.
    return <div className="prose" data-testid="rendered-markdown" dangerouslySetInnerHTML={{ __html: html }} />;
  }
  return (
    <div data-testid="markdown-source">
      <p className="notice" role="note">
        This description could not be rendered ({error ?? "the renderer is busy; try again later"}); showing its source.
      </p>
      <pre className="markdown-source" style={{ maxHeight: "30rem" }}>
        {source}
      </pre>
    </div>
  );
}
