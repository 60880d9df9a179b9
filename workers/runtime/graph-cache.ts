/**
 * Compiled graphs cached on disk, keyed by sha256(weights sha256 + COMPILER_VERSION + taps +
 * interventions + patched hooks + logits flag). Files are written to a temporary name and renamed into place, so
 * concurrent workers never see a partial file; with external data, the data file is renamed
 * before the model file that refers to it.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { COMPILER_VERSION, compileGraph, normalizeSpec, serializeModel, weightBytes, type CompiledGraph, type GraphSpec } from "./onnx";
import type { ModelWeights } from "./types";

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** ONNX protobufs must stay under 2 GiB; above this many weight bytes, weights go to a side file. */
export const DEFAULT_EXTERNAL_DATA_THRESHOLD = 1.5 * 1024 ** 3;

export function defaultGraphCacheDir(): string {
  return path.resolve(process.env.MECHMAP_CACHE_DIR ?? path.join(PROJECT_ROOT, ".cache", "graphs"));
}

export interface GraphCacheOptions {
  cacheDir?: string;
  /** Weight bytes above which initializers are stored in `<file>.data` (default 1.5 GiB). */
  externalDataThreshold?: number;
}

export interface CachedGraph {
  key: string;
  path: string;
  /** Model file plus external data, in bytes (the session cache's memory estimate). */
  bytes: number;
  /** True when this call compiled the graph (false: reused from disk). */
  compiled: boolean;
}

/** Counters for tests and benchmarks. */
export const graphCacheStats = { compiles: 0, hits: 0 };

export function graphCacheKey(weights: ModelWeights, spec: GraphSpec): string {
  const ns = normalizeSpec(spec, weights.config);
  const material = JSON.stringify({
    weights: weights.sha256,
    compiler: COMPILER_VERSION,
    taps: ns.taps,
    logits: ns.logits,
    steering: ns.steeringBlocks,
    ablation: ns.ablationBlocks,
    patches: ns.patchHooks,
    // only KV-cache graphs add the key, so every other graph keeps its cached file
    ...(ns.kvCache ? { kvCache: true } : {}),
  });
  return createHash("sha256").update(material).digest("hex");
}

const inflight = new Map<string, Promise<CachedGraph>>();

/** The cached graph file for (weights, spec), compiling and writing it first if needed. */
export async function getOrCompileGraph(weights: ModelWeights, spec: GraphSpec, options: GraphCacheOptions = {}): Promise<CachedGraph> {
  const dir = options.cacheDir ?? defaultGraphCacheDir();
  const key = graphCacheKey(weights, spec);
  const file = path.join(dir, `${key}.onnx`);
  const pending = inflight.get(file);
  if (pending) return pending;
  const job = (async (): Promise<CachedGraph> => {
    if (existsSync(file)) {
      graphCacheStats.hits++;
      return { key, path: file, bytes: graphFileBytes(file), compiled: false };
    }
    mkdirSync(dir, { recursive: true });
    removeStaleTemporaries(dir);
    writeGraph(compileGraph(weights, spec), file, options.externalDataThreshold ?? DEFAULT_EXTERNAL_DATA_THRESHOLD);
    graphCacheStats.compiles++;
    return { key, path: file, bytes: graphFileBytes(file), compiled: true };
  })();
  inflight.set(file, job);
  try {
    return await job;
  } finally {
    inflight.delete(file);
  }
}

/** Temporary files left by a crashed writer (older than an hour; a live writer is never that slow). */
function removeStaleTemporaries(dir: string, maxAgeMs = 60 * 60 * 1000): void {
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    if (!name.includes(".tmp-")) continue;
    const file = path.join(dir, name);
    try {
      if (now - statSync(file).mtimeMs > maxAgeMs) rmSync(file, { force: true });
    } catch {
      // another process removed or renamed it meanwhile
    }
  }
}

function graphFileBytes(file: string): number {
  const data = `${file}.data`;
  return statSync(file).size + (existsSync(data) ? statSync(data).size : 0);
}

/** Serialises a compiled graph to `file` atomically (tmp + rename). */
export function writeGraph(compiled: CompiledGraph, file: string, externalDataThreshold = DEFAULT_EXTERNAL_DATA_THRESHOLD): void {
  const suffix = `.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  const external = weightBytes(compiled.builder) > externalDataThreshold;
  const dataFile = `${file}.data`;
  const tmpModel = file + suffix;
  const tmpData = dataFile + suffix;
  const modelFd = openSync(tmpModel, "w");
  const dataFd = external ? openSync(tmpData, "w") : null;
  try {
    serializeModel(
      compiled.builder,
      {
        writeModel: (bytes) => writeAll(modelFd, bytes),
        writeData: dataFd === null ? undefined : (bytes) => writeAll(dataFd, bytes),
      },
      { externalDataLocation: external ? path.basename(dataFile) : undefined, producerVersion: COMPILER_VERSION },
    );
    fsyncSync(modelFd);
    if (dataFd !== null) fsyncSync(dataFd);
  } catch (err) {
    closeSync(modelFd);
    if (dataFd !== null) closeSync(dataFd);
    rmSync(tmpModel, { force: true });
    rmSync(tmpData, { force: true });
    throw err;
  }
  closeSync(modelFd);
  if (dataFd !== null) {
    closeSync(dataFd);
    renameSync(tmpData, dataFile);
  }
  renameSync(tmpModel, file);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}
