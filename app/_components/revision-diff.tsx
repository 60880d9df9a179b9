import { facetLabel } from "../_lib/facets";

const FIELD_LABELS: Record<string, string> = {
  name: "Name",
  summary: "Summary",
  description: "Description",
  aliases: "Aliases",
  approach: "Approach",
  direction: "Direction",
  unit: "Unit",
  parents: "Parents",
};
const FIELD_ORDER = Object.keys(FIELD_LABELS);
const FACET_FIELDS = new Set(["approach", "direction", "unit"]);

function Value({ field, value }: { field: string; value: unknown }) {
  if (value === null || value === undefined || value === "") return <span className="diff__empty">{FACET_FIELDS.has(field) ? facetLabel(null) : "empty"}</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="diff__empty">none</span>;
    return <span>{value.map((v) => String(v)).join(", ")}</span>;
  }
  if (typeof value === "string") return <pre className="diff__value">{FACET_FIELDS.has(field) ? facetLabel(value) : value}</pre>;
  return <pre className="diff__value">{JSON.stringify(value, null, 2)}</pre>;
}

/** Field-by-field table of a revision: what each changed field was, and what it becomes. */
export function RevisionDiff({ changes, before }: { changes: Record<string, unknown>; before: Record<string, unknown> }) {
  const fields = Object.keys(changes).sort((a, b) => {
    const ia = FIELD_ORDER.indexOf(a);
    const ib = FIELD_ORDER.indexOf(b);
    return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
  });
  if (fields.length === 0) return <p className="muted">No field changes.</p>;
  return (
    <table className="diff">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((field) => (
          <tr key={field}>
            <th scope="row">{FIELD_LABELS[field] ?? field}</th>
            <td className="diff__before">
              <Value field={field} value={before[field]} />
            </td>
            <td className="diff__after">
              <Value field={field} value={changes[field]} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
