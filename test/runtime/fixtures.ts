/**
 * Shared test fixtures (../shared/fixtures): where they live and typed, validated readers.
 * The fixtures are read in place, never copied into the repository.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** MECHMAP_FIXTURES_DIR, or `<project>/../shared/fixtures`. */
export const FIXTURES_DIR = path.resolve(process.env.MECHMAP_FIXTURES_DIR ?? path.join(PROJECT_ROOT, "..", "shared", "fixtures"));

export const STORIES_GGUF = path.join(FIXTURES_DIR, "stories260K.gguf");
export const STORIES_GOLDEN = path.join(FIXTURES_DIR, "stories260K.golden.json");
export const STORIES_SHA256 = "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d";

/** True when the stories fixtures are present (tests that need them can `describe.skipIf(!hasStoriesFixtures())`). */
export function hasStoriesFixtures(): boolean {
  return existsSync(STORIES_GGUF) && existsSync(STORIES_GOLDEN);
}

const floatRow = z.array(z.number());

export const tokenizerCaseSchema = z.object({
  text: z.string(),
  prefix_ids_include_bos: z.boolean(),
  ids: z.array(z.number().int().nonnegative()),
});
export type TokenizerCase = z.infer<typeof tokenizerCaseSchema>;

const goldenFileSchema = z.object({
  model: z.string(),
  model_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  notes: z.string(),
  prompt: z.string(),
  prompt_ids: z.array(z.number().int()),
  text: z.string(),
  sequence: z.array(z.number().int()),
  /** position -> [embedding, after block 1, ..., after block n] each of d floats. */
  residual: z.record(z.string().regex(/^\d+$/), z.array(floatRow)),
  /** position -> vocab logits. */
  logits: z.record(z.string().regex(/^\d+$/), floatRow),
  tokenizer_cases: z.array(tokenizerCaseSchema),
});

export interface StoriesGolden {
  model: string;
  modelSha256: string;
  prompt: string;
  promptIds: number[];
  text: string;
  sequence: number[];
  /** residual.get(pos)[k]: k = 0 token embedding, k = 1..nLayers the stream after block k. */
  residual: Map<number, Float32Array[]>;
  /** logits.get(pos): the vocabulary's next-token logits at that position. */
  logits: Map<number, Float32Array>;
  tokenizerCases: TokenizerCase[];
}

function byPosition<T, U>(record: Record<string, T>, f: (value: T) => U): Map<number, U> {
  const out = new Map<number, U>();
  for (const key of Object.keys(record).sort((a, b) => Number(a) - Number(b))) {
    const value = record[key];
    if (value !== undefined) out.set(Number(key), f(value));
  }
  return out;
}

let cached: StoriesGolden | null = null;

/** stories260K.golden.json, validated with zod (throws on a malformed file). */
export function readStoriesGolden(): StoriesGolden {
  if (cached) return cached;
  const raw: unknown = JSON.parse(readFileSync(STORIES_GOLDEN, "utf8"));
  const g = goldenFileSchema.parse(raw);
  cached = {
    model: g.model,
    modelSha256: g.model_sha256,
    prompt: g.prompt,
    promptIds: g.prompt_ids,
    text: g.text,
    sequence: g.sequence,
    residual: byPosition(g.residual, (rows) => rows.map((r) => Float32Array.from(r))),
    logits: byPosition(g.logits, (r) => Float32Array.from(r)),
    tokenizerCases: g.tokenizer_cases,
  };
  return cached;
}
