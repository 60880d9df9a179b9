"use client";

import "./globals.css";

/**
 * Replaces the root layout when the layout itself fails. The response for such a failure is a 500;
 * the text says what to do next and gives the error reference to quote.
 */
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;
  return (
    <html lang="en">
      <body>
        <title>Something went wrong · MechMap</title>
        <main id="main" className="page page--narrow state-page" role="alert">
          <h1>Something went wrong</h1>
          <p>MechMap could not show this page. It may be a passing problem with the server; trying again often helps.</p>
          {digest && (
            <p className="muted">
              Error reference: <code>{digest}</code>
            </p>
          )}
          <p className="actions">
            <button type="button" className="button" onClick={() => retry()}>
              Try again
            </button>
            {/* A plain link: the app's router may be what failed. */}
            <a href="/" className="button button--ghost">
              Back to the map
            </a>
          </p>
        </main>
      </body>
    </html>
  );
}
