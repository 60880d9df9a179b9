/**
 * The model zoo for the demo: five small models trained for this project (../shared/fixtures/zoo,
 * see its README), registered beside stories260K so that "does this finding reproduce on another
 * model?" has real answers out of the box. Each file must have the hash published in the README.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { Database } from "../../db/client";
import { type AddModelOptions, type ModelRow, addModel, fillMissingFacts, fixturesDir, getModel } from "./registry";

export interface ZooModel {
  /** Model name and file stem (`<name>.gguf`). */
  name: string;
  sha256: string;
  licence: string;
  /** Models of one shape trained on the same data with different seeds share a recipe. */
  recipe: string;
  /** Mean next-token loss (nats/token) on the zoo's 256 held-out sequences (README table). */
  heldOutLoss: number;
}

/**
 * From fixtures/zoo/README.md. The README names no licence; the models were trained here on text
 * sampled from stories260K (MIT), so they carry its licence.
 */
export const ZOO_MODELS: readonly ZooModel[] = [
  { name: "tinystories-llama-d64-s1", sha256: "cbed4ac61297904e4bb6ff1d61ef80908e3ec4ab005e3aa03cb66b86497a3385", licence: "MIT", recipe: "tinystories-llama-d64", heldOutLoss: 1.727 },
  { name: "tinystories-llama-d64-s2", sha256: "a7908ec73cb2589f31449123bec121924881ecdbe47628d09bfef8a7ebeb101b", licence: "MIT", recipe: "tinystories-llama-d64", heldOutLoss: 1.738 },
  { name: "tinystories-llama-d96-l6", sha256: "7f75267974a40eefa3c0d865afbd90d075a861f9da92cd51d833433394b3f3cf", licence: "MIT", recipe: "tinystories-llama-d96-l6", heldOutLoss: 1.545 },
  { name: "tinystories-qwen2-d64-l4", sha256: "92d15a3d1eb6c1897a41fedd9bfc3515fbfb81b52cf3e10f9576c743c52a382a", licence: "MIT", recipe: "tinystories-qwen2-d64-l4", heldOutLoss: 1.839 },
  { name: "tinystories-gpt2-d80-l4", sha256: "627cc4877fd43d6e88886cb3332ac8e3560bdf8b8e8f9eaac6c9057059e62724", licence: "MIT", recipe: "tinystories-gpt2-d80-l4", heldOutLoss: 2.117 },
];

export function zooDir(): string {
  return path.join(fixturesDir(), "zoo");
}

export type ZooOutcome = "registered" | "already registered" | "failed" | "missing";

export interface ZooModelResult {
  name: string;
  outcome: ZooOutcome;
  /** The row as it now is (null when no row was created: a missing file). */
  model: ModelRow | null;
  message: string;
}

export interface ZooResult {
  /** One entry per zoo model, in table order; empty when the folder is missing. */
  models: ZooModelResult[];
  /** A one-line summary for the console. */
  message: string;
}

/** Registered now or earlier: the models the worker should compile. */
export function readyZooModels(result: ZooResult): ModelRow[] {
  return result.models.flatMap((m) => (m.model?.status === "ready" ? [m.model] : []));
}

async function registerOne(db: Database, zoo: ZooModel, dir: string, options: AddModelOptions): Promise<ZooModelResult> {
  const known = { recipe: zoo.recipe, heldOutLoss: zoo.heldOutLoss };
  const existing = await getModel(db, zoo.name);
  if (existing?.status === "ready") {
    return { name: zoo.name, outcome: "already registered", model: await fillMissingFacts(db, existing, known), message: `${zoo.name} is already registered.` };
  }
  if (existing?.status === "compiling") {
    // Compiled by the worker right now, or left by one that died (the worker's recovery requeues it).
    return { name: zoo.name, outcome: "already registered", model: existing, message: `${zoo.name} is already registered (being compiled).` };
  }
  const file = path.join(dir, `${zoo.name}.gguf`);
  if (!existsSync(file)) return { name: zoo.name, outcome: "missing", model: existing, message: `${zoo.name}: no file at ${file}.` };
  try {
    const model = await addModel(db, { source: file, name: zoo.name, licence: zoo.licence, ...known }, { ...options, expectedSha256: zoo.sha256 });
    return { name: zoo.name, outcome: "registered", model, message: `Registered ${zoo.name}.` };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { name: zoo.name, outcome: "failed", model: await getModel(db, zoo.name), message: `${zoo.name} failed: ${reason}` };
  }
}

/**
 * Registers every zoo model from the fixtures' `zoo/` folder (or `options.zooDir`), once: a model
 * already ready is kept, a failed one is tried again. Each file is checked against its published
 * sha256; one bad file leaves that model failed with the reason and the others go on. Never throws
 * for an unavailable zoo; the message says what happened.
 */
export async function registerZooModels(db: Database, options: Omit<AddModelOptions, "expectedSha256"> & { zooDir?: string } = {}): Promise<ZooResult> {
  const dir = path.resolve(options.zooDir ?? zooDir());
  if (!existsSync(dir)) {
    return { models: [], message: `The model zoo is not available (no folder at ${dir}). The rest of the demo works without it.` };
  }
  const results: ZooModelResult[] = [];
  for (const zoo of ZOO_MODELS) results.push(await registerOne(db, zoo, dir, options));
  const count = (o: ZooOutcome) => results.filter((r) => r.outcome === o).length;
  const problems = results.filter((r) => r.outcome === "failed" || r.outcome === "missing").map((r) => r.message);
  const summary = `${count("registered")} registered, ${count("already registered")} already registered, ${count("failed") + count("missing")} unavailable`;
  return { models: results, message: problems.length === 0 ? summary : `${summary} (${problems.join("; ")})` };
}
