"use client";

import { useId, type ReactNode } from "react";
import { CLAIMABLE_METRICS, claimSchema, describeClaim, type Claim } from "~/server/experiments/claims";

/** Structured claims: rows of selects and numbers, each checked by the server's own schema and read back in words. */

export interface ClaimRow {
  key: number;
  metric: string;
  model: string;
  whereKind: "layer" | "relativeDepth" | "peak";
  layer: string;
  from: string;
  to: string;
  comparison: "gte" | "lte" | "approx" | "peaksAt";
  value: string;
  tolerance: string;
  note: string;
}

export const newClaimRow = (key: number): ClaimRow => ({
  key,
  metric: "diffmean.accuracy",
  model: "any",
  whereKind: "peak",
  layer: "0",
  from: "0.5",
  to: "1",
  comparison: "gte",
  value: "0.9",
  tolerance: "",
  note: "",
});

export function claimRowFromClaim(c: Claim, key: number): ClaimRow {
  return {
    key,
    metric: c.metric,
    model: c.model,
    whereKind: c.where.kind,
    layer: c.where.kind === "layer" ? String(c.where.layer) : "0",
    from: c.where.kind === "relativeDepth" ? String(c.where.from) : "0.5",
    to: c.where.kind === "relativeDepth" ? String(c.where.to) : "1",
    comparison: c.comparison,
    value: String(c.value),
    tolerance: c.tolerance === undefined ? "" : String(c.tolerance),
    note: c.note,
  };
}

const num = (s: string): number | string => (/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(s.trim()) ? Number(s.trim()) : s);

/** What the row sends (numbers where numbers were typed; the schema names anything else). */
export function claimInput(r: ClaimRow): Record<string, unknown> {
  const where = r.whereKind === "layer" ? { kind: "layer", layer: num(r.layer) } : r.whereKind === "relativeDepth" ? { kind: "relativeDepth", from: num(r.from), to: num(r.to) } : { kind: "peak" };
  return {
    metric: r.metric,
    model: r.model.trim() === "" ? "any" : r.model.trim(),
    where,
    comparison: r.comparison,
    value: num(r.value),
    ...(r.tolerance.trim() === "" ? {} : { tolerance: num(r.tolerance) }),
    note: r.note,
  };
}

/** Field → message for one row, from the schema (client) and the server's field errors ("claims.0.value"). */
export function claimRowErrors(r: ClaimRow, index: number, serverErrors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const parsed = claimSchema.safeParse(claimInput(r));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] === "where" ? String(issue.path[1] ?? "whereKind") : String(issue.path[0] ?? "metric");
      out[field] ??= issue.code === "invalid_type" ? "Enter a number." : issue.message;
    }
  }
  for (const [k, v] of Object.entries(serverErrors)) {
    const prefix = `claims.${index}.`;
    if (k.startsWith(prefix)) {
      const rest = k.slice(prefix.length).split(".");
      const field = rest[0] === "where" ? (rest[1] ?? "whereKind") : (rest[0] ?? "metric");
      out[field] ??= v;
    }
  }
  return out;
}

const COMPARISONS = [
  { value: "gte", label: "≥ at least" },
  { value: "lte", label: "≤ at most" },
  { value: "approx", label: "≈ about (± tolerance)" },
  { value: "peaksAt", label: "peaks at relative depth" },
] as const;

export function ClaimsEditor({ rows, onChange, serverErrors }: { rows: ClaimRow[]; onChange: (rows: ClaimRow[]) => void; serverErrors: Record<string, string> }) {
  const id = useId();
  const update = (key: number, patch: Partial<ClaimRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <fieldset className="spec-group" data-testid="claims-editor">
      <legend>Claims</legend>
      <p className="hint">What you expect the runs to show. Each claim is checked against every run; the note is free text.</p>
      {serverErrors.claims && <p className="field-error">{serverErrors.claims}</p>}
      {rows.length === 0 && <p className="empty">No claims yet.</p>}
      {rows.map((r, i) => {
        const errors = claimRowErrors(r, i, serverErrors);
        const parsed = claimSchema.safeParse(claimInput(r));
        const p = `${id}-${r.key}`;
        const field = (name: keyof ClaimRow | "kind", label: string, input: ReactNode) => (
          <div className="field field--compact">
            <label htmlFor={`${p}-${name}`}>{label}</label>
            {input}
            {errors[name] && (
              <p id={`${p}-${name}-err`} className="field-error">
                {errors[name]}
              </p>
            )}
          </div>
        );
        const aria = (name: string) => ({ id: `${p}-${name}`, "aria-invalid": errors[name] ? true : undefined, "aria-describedby": errors[name] ? `${p}-${name}-err` : undefined });
        return (
          <section key={r.key} className="claim-row" aria-label={`Claim ${i + 1}`} data-testid="claim-row">
            <div className="field-row">
              {field(
                "metric",
                "Metric",
                <select className="select" {...aria("metric")} value={r.metric} onChange={(e) => update(r.key, { metric: e.target.value })}>
                  {Object.entries(CLAIMABLE_METRICS).map(([method, fields]) => (
                    <optgroup key={method} label={method}>
                      {Object.entries(fields).map(([f, description]) => (
                        <option key={f} value={`${method}.${f}`}>
                          {method}.{f} — {description}
                        </option>
                      ))}
                    </optgroup>
                  ))}
                </select>,
              )}
              {field("model", "Model", <input className="input" {...aria("model")} value={r.model} onChange={(e) => update(r.key, { model: e.target.value })} placeholder="any" />)}
            </div>
            <div className="field-row">
              {field(
                "kind",
                "Where",
                <select
                  className="select"
                  {...aria("kind")}
                  value={r.whereKind}
                  onChange={(e) => update(r.key, { whereKind: e.target.value === "layer" ? "layer" : e.target.value === "relativeDepth" ? "relativeDepth" : "peak" })}
                >
                  <option value="peak">at its peak layer</option>
                  <option value="layer">at a layer</option>
                  <option value="relativeDepth">over a relative depth range</option>
                </select>,
              )}
              {r.whereKind === "layer" && field("layer", "Layer", <input className="input" inputMode="numeric" {...aria("layer")} value={r.layer} onChange={(e) => update(r.key, { layer: e.target.value })} />)}
              {r.whereKind === "relativeDepth" && (
                <>
                  {field("from", "From depth (0–1)", <input className="input" inputMode="decimal" {...aria("from")} value={r.from} onChange={(e) => update(r.key, { from: e.target.value })} />)}
                  {field("to", "To depth (0–1)", <input className="input" inputMode="decimal" {...aria("to")} value={r.to} onChange={(e) => update(r.key, { to: e.target.value })} />)}
                </>
              )}
            </div>
            <div className="field-row">
              {field(
                "comparison",
                "Comparison",
                <select className="select" {...aria("comparison")} value={r.comparison} onChange={(e) => update(r.key, { comparison: COMPARISONS.find((c) => c.value === e.target.value)?.value ?? "gte" })}>
                  {COMPARISONS.map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.label}
                    </option>
                  ))}
                </select>,
              )}
              {field("value", r.comparison === "peaksAt" ? "Relative depth (0–1)" : "Value", <input className="input" inputMode="decimal" {...aria("value")} value={r.value} onChange={(e) => update(r.key, { value: e.target.value })} />)}
              {field("tolerance", "Tolerance", <input className="input" inputMode="decimal" {...aria("tolerance")} value={r.tolerance} onChange={(e) => update(r.key, { tolerance: e.target.value })} placeholder={r.comparison === "approx" || r.comparison === "peaksAt" ? "required" : "optional"} />)}
            </div>
            {field("note", "Note (optional)", <input className="input" {...aria("note")} value={r.note} maxLength={1000} onChange={(e) => update(r.key, { note: e.target.value })} />)}
            <p className="claim-row__reading" data-testid="claim-description">
              {parsed.success ? (
                <>
                  Reads: <strong>{describeClaim(parsed.data)}</strong>
                </>
              ) : (
                <span className="muted">Complete the claim to read it back.</span>
              )}
            </p>
            <button type="button" className="button button--ghost button--small" onClick={() => onChange(rows.filter((x) => x.key !== r.key))} aria-label={`Remove claim ${i + 1}`}>
              Remove claim
            </button>
          </section>
        );
      })}
      <p>
        <button type="button" className="button button--ghost button--small" onClick={() => onChange([...rows, newClaimRow(Math.max(-1, ...rows.map((r) => r.key)) + 1)])}>
          + Add a claim
        </button>
      </p>
    </fieldset>
  );
}
