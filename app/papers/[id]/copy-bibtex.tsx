"use client";

import { useState } from "react";

/** The entry's key ("@inproceedings{arditi2024," → "arditi2024"), for the file name. */
function fileNameFor(bibtex: string): string {
  const key = /^\s*@\w+\s*\{\s*([^,\s]+)\s*,/.exec(bibtex)?.[1] ?? "paper";
  return `${key.replace(/[^A-Za-z0-9._-]/g, "_")}.bib`;
}

/** Copies the BibTeX shown beside it, or saves it as a .bib file; says whether copying worked. */
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
  function download() {
    const url = URL.createObjectURL(new Blob([`${bibtex}\n`], { type: "application/x-bibtex" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = fileNameFor(bibtex);
    link.click();
    // The click has started the download; the object URL is no longer needed.
    window.setTimeout(() => URL.revokeObjectURL(url), 0);
  }
  return (
    <span className="actions">
      <button type="button" className="button button--ghost button--small" onClick={() => void copy()} data-testid="copy-bibtex">
        Copy BibTeX
      </button>
      <button type="button" className="button button--ghost button--small" onClick={download} data-testid="download-bibtex">
        Download .bib
      </button>
      <span role="status" className="muted">
        {state === "copied" ? "Copied to the clipboard." : state === "failed" ? "Could not copy; select the text below instead." : ""}
      </span>
    </span>
  );
}
