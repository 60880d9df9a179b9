import { DEFAULT_HOOK, parseProbeSpec, PROBE_SPEC_VERSION } from "~/server/probes/spec";

/**
 * The spec being written, as plain JSON (what the author typed, not yet validated). The form and
 * the JSON view both read and write this one value, so they stay in step both ways; validation is
 * the probe engine's own `parseProbeSpec`, with each message tied to the path it is about.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type Path = ReadonlyArray<string | number>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function getAt(root: Json, path: Path): Json | undefined {
  let cur: Json | undefined = root;
  for (const key of path) {
    if (typeof key === "number") cur = Array.isArray(cur) ? cur[key] : undefined;
    else cur = isObject(cur) ? cur[key] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** A copy of `root` with the value at `path` replaced (or removed when `value` is undefined). */
export function setAt(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const [key, ...rest] = path;
  if (typeof key === "number") {
    const arr = Array.isArray(root) ? [...root] : [];
    if (rest.length === 0 && value === undefined) arr.splice(key, 1);
    else arr[key] = setAt(arr[key] ?? null, rest, value);
    return arr;
  }
  const obj: JsonObject = isObject(root) ? { ...root } : {};
  if (key === undefined) return obj;
  if (rest.length === 0 && value === undefined) delete obj[key];
  else obj[key] = setAt(obj[key] ?? (typeof rest[0] === "number" ? [] : {}), rest, value);
  return obj;
}

/** A new spec: diffmean and logistic (with its control task) on an uploaded data set, every layer. */
export function initialSpec(datasetId: string | null): JsonObject {
  return {
    version: PROBE_SPEC_VERSION,
    data: { kind: "dataset", datasetId: datasetId ?? "" },
    readout: { position: { kind: "last" }, hooks: [DEFAULT_HOOK], layers: "all" },
    methods: [{ method: "diffmean" }, { method: "logistic", l2: 0.01, controlTask: true, maxIterations: 500 }],
    split: { kind: "kfold", k: 5 },
    seed: 0,
  };
}

export interface SpecIssue {
  /** As `formatPath` writes it: "methods[1].l2", "split.k", "spec" for the whole spec. */
  path: string;
  message: string;
}

export type SpecCheck = { ok: true; issues: [] } | { ok: false; issues: SpecIssue[] };

export function checkSpec(draft: Json): SpecCheck {
  const parsed = parseProbeSpec(draft);
  if (parsed.ok) return { ok: true, issues: [] };
  return {
    ok: false,
    issues: parsed.errors.map((e) => {
      const i = e.indexOf(": ");
      return i < 0 ? { path: "spec", message: e } : { path: e.slice(0, i), message: e.slice(i + 2) };
    }),
  };
}

/** "methods[1].l2" for ["methods", 1, "l2"], the way the engine names paths. */
export function pathString(path: Path): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? p : `.${p}`;
  return out === "" ? "spec" : out;
}

/** The messages about this path exactly, or (with `nested`) about anything under it. */
export function issuesAt(issues: readonly SpecIssue[], path: Path, nested = false): string[] {
  const p = pathString(path);
  return issues.filter((i) => i.path === p || (nested && (i.path.startsWith(`${p}.`) || i.path.startsWith(`${p}[`)))).map((i) => i.message);
}
