/**
 * Model sources: a local path, `hf:<org>/<repo>[/<file>]`, or an http(s) URL. Parsed once, with a
 * default model name and the URLs to fetch.
 */
import path from "node:path";
import { z } from "zod";
import { ModelRegistryError } from "./errors";

export type ModelSource =
  | { kind: "local"; path: string }
  | { kind: "hf"; org: string; repo: string; file: string | null }
  | { kind: "url"; url: string };

const hfPart = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
const hfFile = z.string().regex(/^[A-Za-z0-9._-][A-Za-z0-9._\-/]*$/).refine((f) => !f.split("/").includes(".."), "no '..' in paths");

export function parseModelSource(raw: string, cwd = process.cwd()): ModelSource {
  const s = raw.trim();
  if (s.length === 0) throw new ModelRegistryError("BAD_REQUEST", "The model source is empty.");
  if (s.startsWith("hf:")) {
    const [org = "", repo = "", ...rest] = s.slice(3).split("/");
    const file = rest.length > 0 ? rest.join("/") : null;
    if (!hfPart.safeParse(org).success || !hfPart.safeParse(repo).success || (file !== null && !hfFile.safeParse(file).success)) {
      throw new ModelRegistryError("BAD_REQUEST", `"${s}" is not a Hugging Face source; use hf:<org>/<repo> or hf:<org>/<repo>/<file>.`);
    }
    return { kind: "hf", org, repo, file };
  }
  if (/^https?:\/\//i.test(s)) {
    if (!z.string().url().safeParse(s).success) throw new ModelRegistryError("BAD_REQUEST", `"${s}" is not a valid URL.`);
    return { kind: "url", url: s };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) throw new ModelRegistryError("BAD_REQUEST", `Unsupported source "${s}"; use a local path, hf:<org>/<repo>[/<file>] or an http(s) URL.`);
  return { kind: "local", path: path.resolve(cwd, s) };
}

/** The canonical text of a source, as stored in the models table. */
export function sourceString(source: ModelSource): string {
  switch (source.kind) {
    case "local": return source.path;
    case "hf": return `hf:${source.org}/${source.repo}${source.file ? `/${source.file}` : ""}`;
    case "url": return source.url;
  }
}

/** A name for the model when none is given: the file name without .gguf, or the repository name. */
export function defaultModelName(source: ModelSource): string {
  const base = (p: string) => path.posix.basename(p).replace(/\.gguf$/i, "");
  switch (source.kind) {
    case "local": return base(source.path.replaceAll("\\", "/"));
    case "hf": return source.file ? base(source.file) : source.repo;
    case "url": return base(new URL(source.url).pathname) || new URL(source.url).hostname;
  }
}

export const MODEL_NAME = z
  .string()
  .trim()
  .min(1, "A model name cannot be empty.")
  .max(100, "Use a model name of at most 100 characters.")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Use letters, digits, '.', '_' and '-' in model names (starting with a letter or digit).");
