import Link from "next/link";
import { CELL_VERDICTS, COMPARE_MAX_MODELS, type CompareQuery, sortParam } from "~/server/services/compare/url-state";
import { VERDICT_LABELS } from "../_components/verdict-badge";
import type { TechniqueOption } from "../_lib/types";
import type { CompareMatrixView } from "./format";

/**
 * The filters as a plain GET form: it works without JavaScript, and submitting it makes the new
 * URL (the permalink). The page number is left out, so a new filter starts at page 1.
 */
export function CompareFilters({ state, matrix, techniques, filtered }: { state: CompareQuery; matrix: CompareMatrixView; techniques: TechniqueOption[]; filtered: boolean }) {
  const chosen = new Set(state.models);
  return (
    <form method="get" action="/compare" className="compare-filters" role="search" aria-label="Filter and sort the matrix" data-testid="compare-filters">
      <div className="compare-filters__row">
        <div className="field">
          <label htmlFor="compare-technique">Technique</label>
          <select id="compare-technique" name="technique" className="select" defaultValue={state.technique ?? ""}>
            <option value="">Any technique</option>
            {techniques.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="compare-verdict">Verdict on any shown model</label>
          <select id="compare-verdict" name="verdict" className="select" defaultValue={state.verdict ?? ""}>
            <option value="">Any verdict</option>
            {CELL_VERDICTS.map((v) => (
              <option key={v} value={v}>
                {VERDICT_LABELS[v]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="compare-q">Title contains</label>
          <input id="compare-q" name="q" type="search" className="input" defaultValue={state.q} placeholder="e.g. sentiment" />
        </div>
        <div className="field">
          <label htmlFor="compare-sort">Sort</label>
          <select id="compare-sort" name="sort" className="select" defaultValue={sortParam(state)}>
            <option value="newest">Newest first</option>
            <option value="title">Title (A–Z)</option>
            <option value="reproduction">Reproduction rate (highest first)</option>
            {matrix.models.map((m) => (
              <option key={m.id} value={`value:${m.name}`}>
                Headline value on {m.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {matrix.allModels.length > 0 && (
        <fieldset className="compare-filters__models">
          <legend>
            Models <span className="muted">(tick up to {COMPARE_MAX_MODELS}; none ticked shows the first {COMPARE_MAX_MODELS})</span>
          </legend>
          <ul className="compare-filters__model-list">
            {matrix.allModels.map((m) => (
              <li key={m.id}>
                <label>
                  <input type="checkbox" name="model" value={m.name} defaultChecked={chosen.has(m.name)} /> {m.name}
                  {m.precision && m.precision !== "f32" && <span className="muted"> ({m.precision})</span>}
                  {m.status !== "ready" && <span className="muted"> · {m.status}</span>}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      <div className="actions">
        <button type="submit" className="button">
          Apply
        </button>
        {filtered && (
          <Link href="/compare" className="button button--ghost">
            Clear filters
          </Link>
        )}
      </div>
    </form>
  );
}
