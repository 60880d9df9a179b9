"use client";

import Link from "next/link";
import { useEffect } from "react";

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;
  return (
    <div className="page page--narrow state-page" role="alert">
      <h1>Something went wrong</h1>
      <p>This page could not be shown. It may be a passing problem with the server; trying again often helps.</p>
      {digest && (
        <p className="muted">
          Error reference: <code>{digest}</code>
        </p>
      )}
      <p className="actions">
        <button type="button" className="button" onClick={() => retry()}>
          Try again
        </button>
        <Link href="/" className="button button--ghost">
          Back to the map
        </Link>
      </p>
    </div>
  );
}
