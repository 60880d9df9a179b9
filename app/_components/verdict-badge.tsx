import type { RunVerdict } from "~/db/schema";
import type { ClaimVerdict } from "~/server/experiments/verdicts";

/** A run's verdict, one claim's verdict, or no run at all on that model. */
export type VerdictKind = RunVerdict | ClaimVerdict | "not_run";

/** The words every verdict badge shows (colour is never the only signal). */
export const VERDICT_LABELS: Record<VerdictKind, string> = {
  reproduced: "Reproduced",
  partly: "Partly",
  not_reproduced: "Not reproduced",
  unchecked: "Not checked",
  missing: "Not measured",
  not_run: "Not run",
};

/** A shape beside the words, so the verdicts differ in more than colour. */
const MARKS: Record<VerdictKind, string> = {
  reproduced: "✓",
  partly: "◐",
  not_reproduced: "✗",
  unchecked: "–",
  missing: "?",
  not_run: "○",
};

const DESCRIPTIONS: Record<VerdictKind, string> = {
  reproduced: "Every checked claim holds on this run.",
  partly: "Some checked claims (or some of a claim's blocks) hold on this run, others do not.",
  not_reproduced: "No checked claim holds on this run.",
  unchecked: "Nothing could be checked: no claims, or the run did not measure what they are about.",
  missing: "The run did not measure what this claim is about.",
  not_run: "No finished run on this model.",
};

export function verdictLabel(verdict: VerdictKind): string {
  return VERDICT_LABELS[verdict];
}

/** A check's summary ("claimed ≥ 0.9 …; measured …") as a sentence: capital first letter, full stop. */
export function verdictSentence(summary: string): string {
  const t = summary.trim();
  if (t === "") return t;
  return `${t[0]!.toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? "" : "."}`;
}

/** Coloured badge with a mark and a text label; colours in globals.css (.verdict--*), each ≥ 4.5:1. */
export function VerdictBadge({ verdict, title }: { verdict: VerdictKind; title?: string }) {
  return (
    <span className={`badge verdict verdict--${verdict}`} data-verdict={verdict} data-testid="verdict-badge" title={title ?? DESCRIPTIONS[verdict]}>
      <span className="verdict__mark" aria-hidden="true">
        {MARKS[verdict]}
      </span>
      {VERDICT_LABELS[verdict]}
    </span>
  );
}
