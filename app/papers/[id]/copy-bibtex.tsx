"use client";

import { useState } from "react";

/** Copies the BibTeX shown beside it; says whether it worked. */
export function CopyBibtexButton({ bibtex }: { bibtex: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    try {
      await navigator.clipboard.writeText(bibtex);
      setState("copied");
    } catch {
      setState("failed");
    }
    window.setTimeout(() => setState("idle"), 2500);
  }
  return (
    <span className="actions">
      <button type="button" className="button button--ghost button--small" onClick={() => void copy()} data-testid="copy-bibtex">
        Copy BibTeX
      </button>
      <span role="status" className="muted">
        {state === "copied" ? "Copied to the clipboard." : state === "failed" ? "Could not copy; select the text below instead." : ""}
      </span>
    </span>
  );
}
