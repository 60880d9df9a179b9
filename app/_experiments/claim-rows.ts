import { claimSchema, type Claim } from "~/server/experiments/claims";
import { numberOrText } from "./typed-number";

/**
 * A claim as the editor holds it (text as typed) and its conversions. Plain functions, no
 * "use client": the edit page (a server component) builds the rows from the stored claims.
 */

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


/** What the row sends (numbers where numbers were typed; the schema names anything else). */
export function claimInput(r: ClaimRow): Record<string, unknown> {
  const where = r.whereKind === "layer" ? { kind: "layer", layer: numberOrText(r.layer) } : r.whereKind === "relativeDepth" ? { kind: "relativeDepth", from: numberOrText(r.from), to: numberOrText(r.to) } : { kind: "peak" };
  return {
    metric: r.metric,
    model: r.model.trim() === "" ? "any" : r.model.trim(),
    where,
    comparison: r.comparison,
    value: numberOrText(r.value),
    ...(r.tolerance.trim() === "" ? {} : { tolerance: numberOrText(r.tolerance) }),
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

