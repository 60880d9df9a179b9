"use client";

import { useId, type ReactNode } from "react";
import { CLAIMABLE_METRICS, claimSchema, describeClaim } from "~/server/experiments/claims";
import { claimInput, claimRowErrors, newClaimRow, type ClaimRow } from "./claim-rows";

/** Structured claims: rows of selects and numbers, each checked by the server's own schema and read back in words. */

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
              {field("model", "Model", <input className="input" {...aria("model")} value={r.model} maxLength={200} onChange={(e) => update(r.key, { model: e.target.value })} placeholder="any" />)}
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
