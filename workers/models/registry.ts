/**
 * The model registry: the `models` table as a domain service. Adding a model registers a row, downloads
 * remote weights (status downloading, with progress), inspects them (architecture, sizes, sha256), and
 * ends `ready` or `failed` with a reason. Policy: invalid input (bad source, bad or taken name) creates no
 * row; any failure after that leaves the row `failed` with a reason a user can act on — never a row that
 * claims more than is true. A failed (or abandoned) add can be retried under the same name.
 */
import { existsSync, statSync } from "node:fs";
import { rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { asc, eq, or } from "drizzle-orm";
import type { Database } from "../../db/client";
import { models } from "../../db/schema";
import { DamagedWeightsError, ModelFormatError } from "../runtime/formats/errors";
import { hfDirectorySha256 } from "../runtime/formats/hf-model";
import { type ModelInspection, inspectModel } from "../runtime/formats/inspect";
import { checkModelPath } from "../runtime/formats/model-path";
import { sha256File } from "../runtime/formats/sha256";
import { ModelRegistryError } from "./errors";
import { type DownloadProgress, PROJECT_ROOT, cachePathFor, downloadSource, hfFileUrl, knownSha256, modelCacheDir } from "./hub-download";
import { type AddressPolicy, RefusedTargetError, defaultAddressPolicy, resolveAllowed } from "./public-fetch";
import { MODEL_NAME, type ModelSource, defaultModelName, parseModelSource, sourceString } from "./source";

export type ModelRow = typeof models.$inferSelect;

export interface AddModelInput {
  source: string;
  name?: string;
  licence?: string;
  /** Training recipe shared by models of one shape and data (different seeds). */
  recipe?: string | null;
  /** Held-out loss (nats/token) where the model's publisher gives it. */
  heldOutLoss?: number | null;
  /** For a precision variant: the model it was converted from. */
  baseModelId?: number | null;
}

/** What a caller knows about a model beyond its weights (the rest is read from the file). */
type GivenFacts = Pick<ModelRow, "licence" | "recipe" | "heldOutLoss" | "baseModelId">;

export interface AddModelOptions {
  cacheDir?: string;
  onProgress?: (p: DownloadProgress) => void;
  maxAttempts?: number;
  retryDelayMs?: number;
  /** Which addresses downloads may contact (default: public only, unless the setting allows more). */
  policy?: AddressPolicy;
  /**
   * The sha256 the weights must have: overrides the known-hash table for remote sources, and is
   * checked for a local .gguf file too (the demo model's fixture). null: no check.
   */
  expectedSha256?: string | null;
}

/** An in-progress row untouched for this long is considered abandoned (its process died). */
const STALE_MS = 2 * 60_000;
/** Progress is written to the row at most this often. */
const PROGRESS_EVERY_MS = 1000;

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function getModel(db: Database, name: string): Promise<ModelRow | null> {
  const [row] = await db.select().from(models).where(eq(models.name, name));
  return row ?? null;
}

export async function listModels(db: Database): Promise<ModelRow[]> {
  return db.select().from(models).orderBy(asc(models.name));
}

/** Inserts the `registered` row, or takes over a failed/abandoned one of the same name. */
async function claimName(db: Database, name: string, source: string, given: GivenFacts): Promise<ModelRow> {
  const fresh = { source, ...given, status: "registered" as const, statusReason: null, localPath: null, sha256: null, bytesDone: null, bytesTotal: null,
    architecture: null, parameterCount: null, layers: null, dModel: null, vocabSize: null, contextLength: null,
    nHeads: null, nKvHeads: null, precision: null, updatedAt: new Date() };
  const [inserted] = await db.insert(models).values({ name, ...fresh }).onConflictDoNothing({ target: models.name }).returning();
  if (inserted) return inserted;
  const existing = await getModel(db, name);
  if (!existing) throw new ModelRegistryError("CONFLICT", `Model ${name} is being changed by another process; try again.`);
  const abandoned = (existing.status === "registered" || existing.status === "downloading") && Date.now() - existing.updatedAt.getTime() > STALE_MS;
  if (existing.status !== "failed" && !abandoned) {
    throw new ModelRegistryError("CONFLICT", `A model named ${name} already exists (status ${existing.status}). Choose another name with --name, or remove it first.`);
  }
  const [taken] = await db.update(models).set(fresh).where(eq(models.id, existing.id)).returning();
  if (!taken) throw new ModelRegistryError("CONFLICT", `Model ${name} is being changed by another process; try again.`);
  return taken;
}

async function fail(db: Database, id: number, reason: string): Promise<ModelRow> {
  const [row] = await db.update(models).set({ status: "failed", statusReason: reason, updatedAt: new Date() }).where(eq(models.id, id)).returning();
  if (!row) throw new ModelRegistryError("FAILED", reason);
  return row;
}

async function fetchWeights(db: Database, row: ModelRow, source: Exclude<ModelSource, { kind: "local" }>, options: AddModelOptions): Promise<string> {
  await db.update(models).set({ status: "downloading", updatedAt: new Date() }).where(eq(models.id, row.id));
  let lastWrite = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const onProgress = (p: DownloadProgress) => {
    options.onProgress?.(p);
    const now = Date.now();
    if (now - lastWrite < PROGRESS_EVERY_MS) return;
    lastWrite = now;
    pending = pending.then(() =>
      db.update(models).set({ bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, updatedAt: new Date() }).where(eq(models.id, row.id)),
    );
  };
  try {
    return await downloadSource(source, {
      cacheDir: options.cacheDir ?? modelCacheDir(),
      onProgress,
      maxAttempts: options.maxAttempts,
      retryDelayMs: options.retryDelayMs,
      policy: options.policy,
      expectedSha256: options.expectedSha256 === undefined ? knownSha256(source) : options.expectedSha256,
    });
  } finally {
    await pending.catch(() => {});
  }
}

/** The first URL a remote source fetches. */
function firstUrl(source: Exclude<ModelSource, { kind: "local" }>): string {
  if (source.kind === "url") return source.url;
  return hfFileUrl(source.org, source.repo, source.file ?? "config.json");
}

/**
 * Refuses, before any row or request, a source whose target is not allowed: a local path that is
 * not a regular file (a FIFO would block the reader forever) nor a model directory, or a URL whose
 * host resolves to a non-public address. A host that does not resolve is left to the download.
 */
async function checkTarget(source: ModelSource, policy: AddressPolicy): Promise<void> {
  if (source.kind === "local") {
    if (!existsSync(source.path)) throw new ModelRegistryError("BAD_REQUEST", `No such file or directory: ${source.path}`);
    try {
      checkModelPath(source.path);
    } catch (e) {
      if (e instanceof ModelFormatError) throw new ModelRegistryError("BAD_REQUEST", e.message);
      throw e;
    }
    return;
  }
  try {
    await resolveAllowed(new URL(firstUrl(source)), policy);
  } catch (e) {
    if (e instanceof RefusedTargetError) throw new ModelRegistryError("REFUSED", `Download refused: ${e.message}.`);
  }
}

/** A local model must be the published one when its hash is known (the demo model's fixture). */
async function checkLocalSha256(localPath: string, expected: string | null | undefined): Promise<void> {
  if (!expected) return;
  const actual = statSync(localPath).isDirectory() ? await hfDirectorySha256(localPath) : await sha256File(localPath);
  if (actual !== expected.toLowerCase()) {
    throw new ModelRegistryError(
      "DAMAGED",
      `sha256 mismatch for ${path.basename(localPath)}: expected ${expected.toLowerCase()}, got ${actual}. The file is not the published model (damaged or modified); replace it with a fresh copy.`,
    );
  }
}

function registryError(e: unknown): ModelRegistryError {
  if (e instanceof ModelRegistryError) return e;
  if (e instanceof DamagedWeightsError) return new ModelRegistryError("DAMAGED", e.message);
  return new ModelRegistryError("FAILED", errorMessage(e));
}

/**
 * Registers a model from a source and makes it ready. Throws ModelRegistryError for invalid input
 * (no row) and for a failed add (the row is left `failed` with the same message as its reason).
 */
export async function addModel(db: Database, input: AddModelInput, options: AddModelOptions = {}): Promise<ModelRow> {
  const source = parseModelSource(input.source);
  const parsedName = MODEL_NAME.safeParse(input.name ?? defaultModelName(source));
  if (!parsedName.success) throw new ModelRegistryError("BAD_REQUEST", parsedName.error.issues[0]?.message ?? "Invalid model name.");
  const policy = options.policy ?? defaultAddressPolicy();
  await checkTarget(source, policy);
  const row = await claimName(db, parsedName.data, sourceString(source), {
    licence: input.licence?.trim() || null,
    recipe: input.recipe?.trim() || null,
    heldOutLoss: input.heldOutLoss ?? null,
    baseModelId: input.baseModelId ?? null,
  });
  try {
    const localPath = source.kind === "local" ? source.path : await fetchWeights(db, row, source, { ...options, policy });
    if (source.kind === "local") await checkLocalSha256(localPath, options.expectedSha256);
    const info = await inspectModel(localPath);
    const [ready] = await db
      .update(models)
      .set({ status: "ready", statusReason: null, localPath, ...factsFromWeights(info), updatedAt: new Date() })
      .where(eq(models.id, row.id))
      .returning();
    if (!ready) throw new Error(`model ${row.name} disappeared while being added`);
    return ready;
  } catch (e) {
    const error = registryError(e);
    await fail(db, row.id, error.message);
    throw error;
  }
}

/** The columns read from the weights themselves. */
function factsFromWeights(info: ModelInspection) {
  const c = info.config;
  return {
    sha256: info.sha256, architecture: c.architecture, parameterCount: info.parameterCount, layers: c.nLayers, dModel: c.dModel,
    vocabSize: c.vocabSize, contextLength: c.contextLength, nHeads: c.nHeads, nKvHeads: c.nKvHeads, precision: info.precision,
  };
}

/**
 * A ready model registered before a fact existed (heads, precision; a demo model's recipe and
 * held-out loss) gets it filled in once: from its weights, and from `known` for what the file
 * cannot say. Values already present are kept. Returns the row as it now is.
 */
export async function fillMissingFacts(db: Database, row: ModelRow, known: Partial<Pick<ModelRow, "recipe" | "heldOutLoss">> = {}): Promise<ModelRow> {
  const patch: Partial<ModelRow> = {};
  if (row.recipe === null && known.recipe) patch.recipe = known.recipe;
  if (row.heldOutLoss === null && known.heldOutLoss !== undefined && known.heldOutLoss !== null) patch.heldOutLoss = known.heldOutLoss;
  if ((row.nHeads === null || row.nKvHeads === null || row.precision === null) && row.localPath && existsSync(row.localPath)) {
    try {
      const info = await inspectModel(row.localPath);
      if (info.sha256 === row.sha256) Object.assign(patch, { nHeads: info.config.nHeads, nKvHeads: info.config.nKvHeads, precision: info.precision });
    } catch {
      // The file changed or went bad since it was added; the model's own checks report that when it loads.
    }
  }
  if (Object.keys(patch).length === 0) return row;
  const [updated] = await db.update(models).set(patch).where(eq(models.id, row.id)).returning();
  return updated ?? row;
}

export interface RemovedModel {
  row: ModelRow;
  /** Files (or directories) the registry had downloaded and now deleted. */
  deletedFiles: string[];
}

/** What the registry downloaded for a remote source: its cache path (also while failed) and its local path. A local source: nothing. */
function downloadedPaths(row: ModelRow, cache: string): string[] {
  let source: ModelSource;
  try {
    source = parseModelSource(row.source);
  } catch {
    return []; // a source text this version cannot parse: delete nothing
  }
  // A precision variant's file was written by us into the cache (workers/models/precision-variant.ts):
  // it is ours to delete, unlike a user's own local file.
  if (source.kind === "local") return row.baseModelId !== null && row.localPath ? [path.resolve(row.localPath)] : [];
  const paths = new Set([path.resolve(cachePathFor(source, cache))]);
  if (row.localPath) paths.add(path.resolve(row.localPath));
  return [...paths];
}

/**
 * Removes a model's row and deletes what the registry downloaded for it (the file or directory and
 * any `.part` left by a failed download), only inside the model cache, never a user's own path, and
 * not while another model still uses the same download.
 */
export async function removeModel(db: Database, name: string, options: { cacheDir?: string } = {}): Promise<RemovedModel> {
  const [row] = await db.delete(models).where(eq(models.name, name)).returning();
  if (!row) throw new ModelRegistryError("NOT_FOUND", `No model named ${name}.`);
  const cache = path.resolve(options.cacheDir ?? modelCacheDir());
  const deletedFiles: string[] = [];
  for (const target of downloadedPaths(row, cache)) {
    if (!target.startsWith(cache + path.sep)) continue;
    const [sharer] = await db.select({ id: models.id }).from(models).where(or(eq(models.source, row.source), eq(models.localPath, target))).limit(1);
    if (sharer) continue;
    for (const p of [target, `${target}.part`]) {
      if (!existsSync(p)) continue;
      await rm(p, { recursive: true, force: true });
      deletedFiles.push(p);
    }
    // A URL download sits alone in cache/url/<key>/: drop the folder once it is empty.
    const parent = path.dirname(target);
    if (path.dirname(parent) === path.join(cache, "url")) await rmdir(parent).catch(() => {});
  }
  return { row, deletedFiles };
}

export const DEMO_MODEL = {
  name: "stories260K",
  hubSource: "hf:ggml-org/tiny-llamas/stories260K.gguf",
  licence: "MIT",
  /** The published file's hash; the local fixture must match it too. */
  sha256: "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d",
  recipe: "stories260K",
  /** Its loss on the zoo's held-out sequences (fixtures/zoo/README.md), which were sampled from it. */
  heldOutLoss: 1.217,
} as const;

/** The shared fixtures folder: MECHMAP_FIXTURES_DIR, or `<project>/../shared/fixtures`. */
export function fixturesDir(): string {
  return path.resolve(process.env.MECHMAP_FIXTURES_DIR ?? path.join(PROJECT_ROOT, "..", "shared", "fixtures"));
}

export function demoFixturePath(): string {
  return path.join(fixturesDir(), "stories260K.gguf");
}

export interface DemoModelResult {
  registered: boolean;
  model: ModelRow | null;
  message: string;
}

/**
 * Registers stories260K for the demo: from ../shared/fixtures when present, else from the hub.
 * Never throws for an unavailable model; the message says what happened.
 */
export async function registerDemoModel(db: Database, options: AddModelOptions & { fixturePath?: string } = {}): Promise<DemoModelResult> {
  const known = { recipe: DEMO_MODEL.recipe, heldOutLoss: DEMO_MODEL.heldOutLoss };
  const existing = await getModel(db, DEMO_MODEL.name);
  if (existing?.status === "ready") return { registered: true, model: await fillMissingFacts(db, existing, known), message: `${DEMO_MODEL.name} is already registered.` };
  const fixture = options.fixturePath ?? demoFixturePath();
  const attempts: string[] = [];
  const sources = existsSync(fixture) ? [fixture, DEMO_MODEL.hubSource] : [DEMO_MODEL.hubSource];
  if (!existsSync(fixture)) attempts.push(`no local copy at ${fixture}`);
  for (const source of sources) {
    try {
      const sha = source === fixture ? { expectedSha256: options.expectedSha256 === undefined ? DEMO_MODEL.sha256 : options.expectedSha256 } : {};
      const model = await addModel(db, { source, name: DEMO_MODEL.name, licence: DEMO_MODEL.licence, ...known }, { ...options, ...sha });
      return { registered: true, model, message: `Registered ${DEMO_MODEL.name} from ${model.source}.` };
    } catch (e) {
      attempts.push(`${source}: ${errorMessage(e)}`);
    }
  }
  return {
    registered: false,
    model: await getModel(db, DEMO_MODEL.name),
    message: `The demo model ${DEMO_MODEL.name} is not available (${attempts.join("; ")}). The rest of the demo works without it.`,
  };
}
