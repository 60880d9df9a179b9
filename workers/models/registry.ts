/**
 * The model registry: the `models` table as a domain service. Adding a model registers a row, downloads
 * remote weights (status downloading, with progress), inspects them (architecture, sizes, sha256), and
 * ends `ready` or `failed` with a reason. Policy: invalid input (bad source, bad or taken name) creates no
 * row; any failure after that leaves the row `failed` with a reason a user can act on — never a row that
 * claims more than is true. A failed (or abandoned) add can be retried under the same name.
 */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { models } from "../../db/schema";
import { inspectModel } from "../runtime/formats/inspect";
import { ModelRegistryError } from "./errors";
import { type DownloadProgress, downloadSource, knownSha256, modelCacheDir, PROJECT_ROOT } from "./hub-download";
import { MODEL_NAME, type ModelSource, defaultModelName, parseModelSource, sourceString } from "./source";

export type ModelRow = typeof models.$inferSelect;

export interface AddModelInput {
  source: string;
  name?: string;
  licence?: string;
}

export interface AddModelOptions {
  cacheDir?: string;
  onProgress?: (p: DownloadProgress) => void;
  maxAttempts?: number;
  retryDelayMs?: number;
  fetch?: typeof fetch;
  /** Overrides the known-hash table for this add (tests). */
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
async function claimName(db: Database, name: string, source: string, licence: string | null): Promise<ModelRow> {
  const fresh = { source, licence, status: "registered" as const, statusReason: null, localPath: null, sha256: null, bytesDone: null, bytesTotal: null,
    architecture: null, parameterCount: null, layers: null, dModel: null, vocabSize: null, contextLength: null, updatedAt: new Date() };
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
      fetch: options.fetch,
      expectedSha256: options.expectedSha256 === undefined ? knownSha256(source) : options.expectedSha256,
    });
  } finally {
    await pending.catch(() => {});
  }
}

/**
 * Registers a model from a source and makes it ready. Throws ModelRegistryError for invalid input
 * (no row) and for a failed add (the row is left `failed` with the same message as its reason).
 */
export async function addModel(db: Database, input: AddModelInput, options: AddModelOptions = {}): Promise<ModelRow> {
  const source = parseModelSource(input.source);
  const parsedName = MODEL_NAME.safeParse(input.name ?? defaultModelName(source));
  if (!parsedName.success) throw new ModelRegistryError("BAD_REQUEST", parsedName.error.issues[0]?.message ?? "Invalid model name.");
  if (source.kind === "local" && !existsSync(source.path)) {
    throw new ModelRegistryError("BAD_REQUEST", `No such file or directory: ${source.path}`);
  }
  const row = await claimName(db, parsedName.data, sourceString(source), input.licence?.trim() || null);
  try {
    const localPath = source.kind === "local" ? source.path : await fetchWeights(db, row, source, options);
    const info = await inspectModel(localPath);
    const [ready] = await db
      .update(models)
      .set({
        status: "ready", statusReason: null, localPath, sha256: info.sha256,
        architecture: info.config.architecture, parameterCount: info.parameterCount, layers: info.config.nLayers,
        dModel: info.config.dModel, vocabSize: info.config.vocabSize, contextLength: info.config.contextLength,
        updatedAt: new Date(),
      })
      .where(eq(models.id, row.id))
      .returning();
    if (!ready) throw new Error(`model ${row.name} disappeared while being added`);
    return ready;
  } catch (e) {
    const reason = errorMessage(e);
    await fail(db, row.id, reason);
    throw e instanceof ModelRegistryError ? e : new ModelRegistryError("FAILED", reason);
  }
}

/** Removes a model's row; deletes its files too when they live in the model cache (never a user's own path). */
export async function removeModel(db: Database, name: string, options: { cacheDir?: string } = {}): Promise<ModelRow> {
  const [row] = await db.delete(models).where(eq(models.name, name)).returning();
  if (!row) throw new ModelRegistryError("NOT_FOUND", `No model named ${name}.`);
  const cache = path.resolve(options.cacheDir ?? modelCacheDir());
  if (row.localPath && path.resolve(row.localPath).startsWith(cache + path.sep)) {
    await rm(row.localPath, { recursive: true, force: true });
    await rm(`${row.localPath}.part`, { force: true });
  }
  return row;
}

export const DEMO_MODEL = {
  name: "stories260K",
  hubSource: "hf:ggml-org/tiny-llamas/stories260K.gguf",
  licence: "MIT",
} as const;

export function demoFixturePath(): string {
  const dir = process.env.MECHMAP_FIXTURES_DIR ?? path.join(PROJECT_ROOT, "..", "shared", "fixtures");
  return path.resolve(dir, "stories260K.gguf");
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
  const existing = await getModel(db, DEMO_MODEL.name);
  if (existing?.status === "ready") return { registered: true, model: existing, message: `${DEMO_MODEL.name} is already registered.` };
  const fixture = options.fixturePath ?? demoFixturePath();
  const attempts: string[] = [];
  const sources = existsSync(fixture) ? [fixture, DEMO_MODEL.hubSource] : [DEMO_MODEL.hubSource];
  if (!existsSync(fixture)) attempts.push(`no local copy at ${fixture}`);
  for (const source of sources) {
    try {
      const model = await addModel(db, { source, name: DEMO_MODEL.name, licence: DEMO_MODEL.licence }, options);
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
