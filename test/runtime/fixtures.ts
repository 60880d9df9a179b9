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

// ---------------------------------------------------------------------------------------------
// The model zoo (../shared/fixtures/zoo): five trained models sharing stories260K's tokenizer.

export const ZOO_DIR = path.join(FIXTURES_DIR, "zoo");
export const ZOO_README = path.join(ZOO_DIR, "README.md");

/** File stems of the zoo models, in the README's table order. */
export const ZOO_MODEL_NAMES = [
  "tinystories-llama-d64-s1",
  "tinystories-llama-d64-s2",
  "tinystories-llama-d96-l6",
  "tinystories-qwen2-d64-l4",
  "tinystories-gpt2-d80-l4",
] as const;
export type ZooModelName = (typeof ZOO_MODEL_NAMES)[number];

export const zooGgufPath = (name: ZooModelName): string => path.join(ZOO_DIR, `${name}.gguf`);
export const zooGoldenPath = (name: ZooModelName): string => path.join(ZOO_DIR, `${name}.golden.json`);

/** True when the zoo README and every zoo model with its golden are present. */
export function hasZooFixtures(): boolean {
  return existsSync(ZOO_README) && ZOO_MODEL_NAMES.every((n) => existsSync(zooGgufPath(n)) && existsSync(zooGoldenPath(n)));
}

const zooGoldenFileSchema = z.object({
  model: z.string(),
  architecture: z.enum(["llama", "qwen2", "gpt2"]),
  parameters: z.number().int().positive(),
  held_out_loss: z.number().positive(),
  prompt: z.string(),
  prompt_ids: z.array(z.number().int()),
  sequence: z.array(z.number().int()),
  /** position -> [stream entering block 0, after block 1, ..., after block n] each of d floats. */
  residual: z.record(z.string().regex(/^\d+$/), z.array(floatRow)),
  /** position -> vocab logits. */
  logits: z.record(z.string().regex(/^\d+$/), floatRow),
  greedy_text: z.string(),
});

export interface ZooGolden {
  model: string;
  architecture: "llama" | "qwen2" | "gpt2";
  parameters: number;
  heldOutLoss: number;
  prompt: string;
  promptIds: number[];
  sequence: number[];
  /** residual.get(pos)[k]: k = 0 the stream entering block 0 (blocks.0.hook_resid_pre), k = 1..nLayers the stream after block k. */
  residual: Map<number, Float32Array[]>;
  logits: Map<number, Float32Array>;
  greedyText: string;
}

const zooCache = new Map<ZooModelName, ZooGolden>();

/** `<name>.golden.json`, validated with zod (throws on a malformed file). */
export function readZooGolden(name: ZooModelName): ZooGolden {
  const hit = zooCache.get(name);
  if (hit) return hit;
  const g = zooGoldenFileSchema.parse(JSON.parse(readFileSync(zooGoldenPath(name), "utf8")));
  const golden: ZooGolden = {
    model: g.model,
    architecture: g.architecture,
    parameters: g.parameters,
    heldOutLoss: g.held_out_loss,
    prompt: g.prompt,
    promptIds: g.prompt_ids,
    sequence: g.sequence,
    residual: byPosition(g.residual, (rows) => rows.map((r) => Float32Array.from(r))),
    logits: byPosition(g.logits, (r) => Float32Array.from(r)),
    greedyText: g.greedy_text,
  };
  zooCache.set(name, golden);
  return golden;
}

/** The sha256 of each zoo file as the README lists it ("- `<file>.gguf`: sha256 `<hex>`"). */
export function readZooReadmeHashes(): Map<string, string> {
  const text = readFileSync(ZOO_README, "utf8");
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^- `([\w.-]+)\.gguf`: sha256 `([0-9a-f]{64})`/gm)) out.set(m[1]!, m[2]!);
  return out;
}
