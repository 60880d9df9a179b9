import type { RunVerdict } from "~/db/schema";
import { VerdictBadge } from "../_components/verdict-badge";

/** Claim verdicts on the models pages, with the shared badge (a mark and words, never colour alone). */

export function VerdictLabel({ verdict }: { verdict: RunVerdict | null }) {
  if (verdict === null) return <span className="muted">No verdict yet</span>;
  return <VerdictBadge verdict={verdict} />;
}

interface Counts {
  reproduced: number;
  partly: number;
  notReproduced: number;
  unchecked: number;
}

/** One badge per verdict that occurs, with how many runs have it; "—" when nothing is done. */
export function VerdictCounts({ verdicts }: { verdicts: Counts }) {
  const parts: Array<[RunVerdict, number]> = [
    ["reproduced", verdicts.reproduced],
    ["partly", verdicts.partly],
    ["not_reproduced", verdicts.notReproduced],
    ["unchecked", verdicts.unchecked],
  ];
  const shown = parts.filter(([, n]) => n > 0);
  if (shown.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="models-verdicts" aria-label="Verdicts of the latest finished runs">
      {shown.map(([verdict, n]) => (
        <li key={verdict} data-verdict-count={verdict}>
          <span className="models-verdicts__count">{n}</span> <VerdictBadge verdict={verdict} />
        </li>
      ))}
    </ul>
  );
}
