/**
 * Downloads model files (Hugging Face hub `hf:` sources or plain http(s) URLs) into the model cache,
 * with progress, resume of interrupted downloads (a `.part` file and an HTTP Range request, retried
 * automatically a few times) and sha256 verification where the hash is known (our table, or the hash
 * the hub publishes for LFS files). Only public addresses are contacted unless a setting allows more
 * (see public-fetch.ts).
 */
import { createHash } from "node:crypto";
import { closeSync, createReadStream, existsSync, openSync, writeSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { ModelRegistryError } from "./errors";
import { type AddressPolicy, RefusedTargetError, displayUrl, fetchPublic } from "./public-fetch";
import { modelSettings } from "./settings";
import { type ModelSource, sourceString } from "./source";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** sha256 of files whose published hash we know, by source. */
export const KNOWN_SHA256: Readonly<Record<string, string>> = {
  "hf:ggml-org/tiny-llamas/stories260K.gguf": "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d",
};

export function knownSha256(source: ModelSource): string | null {
  return KNOWN_SHA256[sourceString(source)] ?? null;
}

export function modelCacheDir(): string {
  return path.resolve(modelSettings().MECHMAP_CACHE_DIR ?? path.join(PROJECT_ROOT, ".cache", "models"));
}

export function hfEndpoint(): string {
  return (modelSettings().HF_ENDPOINT ?? "https://huggingface.co").replace(/\/+$/, "");
}

export function hfFileUrl(org: string, repo: string, file: string): string {
  return `${hfEndpoint()}/${org}/${repo}/resolve/main/${file.split("/").map(encodeURIComponent).join("/")}`;
}

export interface DownloadProgress {
  file: string;
  bytesDone: number;
  bytesTotal: number | null;
}

export interface DownloadOptions {
  onProgress?: (p: DownloadProgress) => void;
  /** Verified after the download; a mismatch deletes the file and throws. */
  expectedSha256?: string | null;
  /** Attempts per file, each resuming where the last stopped (default 3). */
  maxAttempts?: number;
  retryDelayMs?: number;
  /** Which addresses may be contacted (default: public only, unless the setting allows more). */
  policy?: AddressPolicy;
  /** Trust the sha256 a Hugging Face hub publishes for LFS files (X-Linked-Etag) when none is given. */
  hubHash?: boolean;
}

export interface DownloadedFile {
  path: string;
  bytes: number;
  sha256: string;
  /** The hash the file was checked against (given, or published by the hub), if any. */
  expectedSha256: string | null;
}

/** An HTTP answer that retrying will not change. */
class HttpStatusError extends Error {
  constructor(readonly status: number, url: string) {
    super(`HTTP ${status} for ${url}`);
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The LFS sha256 a hub publishes for a file (`X-Linked-Etag: "<sha256>"`), from any answer of the chain. */
export function publishedSha256(headers: readonly Headers[]): string | null {
  for (const h of headers) {
    const tag = h.get("x-linked-etag")?.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1").toLowerCase();
    if (tag && SHA256_HEX.test(tag)) return tag;
  }
  return null;
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function sizeOf(file: string): Promise<number> {
  return existsSync(file) ? (await stat(file)).size : 0;
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

/** Appends a response body to an open file as it arrives; resolves at its end, rejects if the connection drops first. */
function writeBody(body: IncomingMessage, fd: number, onBytes: (n: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let ended = false;
    // Synchronous writes in flowing mode: nothing waits in the stream's buffer, so every byte that
    // arrived before a drop is on disk for the resume.
    body.on("data", (chunk: Buffer) => {
      try {
        writeSync(fd, chunk);
        onBytes(chunk.byteLength);
      } catch (e) {
        body.destroy(e instanceof Error ? e : new Error(String(e)));
      }
    });
    body.on("end", () => {
      ended = true;
      resolve();
    });
    body.on("error", reject);
    body.on("close", () => {
      if (!ended) reject(new Error("the connection closed before the response ended"));
    });
  });
}

/** One request: continues `part` from its current size when the server honours Range. */
async function attempt(url: string, part: string, name: string, options: DownloadOptions, learned: { published: string | null }): Promise<number | null> {
  let offset = await sizeOf(part);
  const res = await fetchPublic(url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, policy: options.policy });
  if (options.hubHash) learned.published = publishedSha256([...res.redirectHeaders, res.headers]) ?? learned.published;
  const shown = displayUrl(new URL(url));
  let total: number | null = null;
  if (res.status === 206) {
    const m = CONTENT_RANGE.exec(res.headers.get("content-range") ?? "");
    if (!m || Number(m[1]) !== offset) {
      res.body.destroy();
      await rm(part, { force: true });
      throw new Error(`the server answered a resume with an unexpected range (${res.headers.get("content-range")}); restarting`);
    }
    total = m[3] === "*" ? null : Number(m[3]);
  } else if (res.status === 416 && offset > 0) {
    res.body.destroy();
    await rm(part, { force: true });
    throw new Error("the partial download is not resumable; restarting");
  } else if (res.status >= 200 && res.status < 300) {
    offset = 0; // full body: start over
    const len = res.headers.get("content-length");
    total = len === null ? null : Number(len);
  } else {
    res.body.destroy(); // an error page's bytes are never read or shown
    if (res.status >= 500 || res.status === 408 || res.status === 429) throw new Error(`HTTP ${res.status} for ${shown}`);
    throw new HttpStatusError(res.status, shown);
  }
  const fd = openSync(part, offset > 0 ? "a" : "w");
  let done = offset;
  try {
    options.onProgress?.({ file: name, bytesDone: done, bytesTotal: total });
    await writeBody(res.body, fd, (n) => {
      done += n;
      options.onProgress?.({ file: name, bytesDone: done, bytesTotal: total });
    });
  } finally {
    closeSync(fd);
  }
  if (total !== null && done !== total) throw new Error(`the connection closed after ${done} of ${total} bytes`);
  return total;
}

/** Downloads `url` to `dest` (via `dest.part`), resuming and retrying; verifies the sha256 when known. */
export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<DownloadedFile> {
  const name = path.basename(dest);
  const given = options.expectedSha256?.toLowerCase() ?? null;
  if (existsSync(dest)) {
    const sha = await sha256OfFile(dest);
    if (given === null || sha === given) return { path: dest, bytes: await sizeOf(dest), sha256: sha, expectedSha256: given };
    await rm(dest, { force: true }); // a stale or corrupt cached copy
  }
  await mkdir(path.dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const learned = { published: null as string | null };
  for (let i = 1; ; i++) {
    try {
      await attempt(url, part, name, options, learned);
      break;
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      if (e instanceof RefusedTargetError) throw new ModelRegistryError("REFUSED", `Download of ${name} refused: ${reason}.`);
      if (e instanceof HttpStatusError) throw new ModelRegistryError("FAILED", `Download of ${name} failed: ${reason}.`);
      if (i >= maxAttempts) {
        const have = await sizeOf(part);
        throw new ModelRegistryError(
          "FAILED",
          `Download of ${name} was interrupted after ${i} attempt(s) (${have} bytes kept in ${path.basename(part)}): ${reason}. Run the same command again to resume.`,
        );
      }
      await new Promise((r) => setTimeout(r, options.retryDelayMs ?? 500 * i));
    }
  }
  const expected = given ?? learned.published;
  const sha = await sha256OfFile(part);
  if (expected !== null && sha !== expected) {
    await rm(part, { force: true });
    throw new ModelRegistryError("DAMAGED", `sha256 mismatch for ${name}: expected ${expected}, got ${sha}. The download was deleted; check the source.`);
  }
  await rename(part, dest);
  return { path: dest, bytes: await sizeOf(dest), sha256: sha, expectedSha256: expected };
}

const indexSchema = z.object({ weight_map: z.record(z.string(), z.string()) });

/** Where a source's files go in the cache. */
export function cachePathFor(source: Exclude<ModelSource, { kind: "local" }>, cacheDir = modelCacheDir()): string {
  if (source.kind === "hf") return path.join(cacheDir, "hf", source.org, source.repo, ...(source.file ? source.file.split("/") : []));
  const url = new URL(source.url);
  const key = createHash("sha256").update(source.url).digest("hex").slice(0, 16);
  return path.join(cacheDir, "url", key, path.posix.basename(url.pathname) || "download");
}

/**
 * Downloads a remote source: one file (hf:<org>/<repo>/<file> or a URL), or an HF model directory
 * (hf:<org>/<repo>: config.json, tokenizer files and the safetensors weights). Returns the local path.
 */
export async function downloadSource(
  source: Exclude<ModelSource, { kind: "local" }>,
  options: DownloadOptions & { cacheDir?: string } = {},
): Promise<string> {
  const dest = cachePathFor(source, options.cacheDir);
  if (source.kind === "url" || source.file) {
    const url = source.kind === "url" ? source.url : hfFileUrl(source.org, source.repo, source.file ?? "");
    await downloadFile(url, dest, { ...options, expectedSha256: options.expectedSha256 ?? knownSha256(source), hubHash: source.kind === "hf" });
    return dest;
  }
  const get = (file: string) => downloadFile(hfFileUrl(source.org, source.repo, file), path.join(dest, file), { ...options, expectedSha256: null, hubHash: true });
  await get("config.json");
  await get("tokenizer.json");
  try {
    await get("tokenizer_config.json");
  } catch (e) {
    // optional, but a refused target or a damaged file is never ignored
    if (e instanceof ModelRegistryError && (e.code === "REFUSED" || e.code === "DAMAGED")) throw e;
  }
  try {
    const index = await get("model.safetensors.index.json");
    const parsed = indexSchema.safeParse(JSON.parse(await readFile(index.path, "utf8")));
    if (!parsed.success) throw new ModelRegistryError("FAILED", "model.safetensors.index.json has no weight_map");
    for (const shard of [...new Set(Object.values(parsed.data.weight_map))]) {
      if (shard.includes("/") || shard.startsWith(".")) throw new ModelRegistryError("FAILED", `model.safetensors.index.json names an unsafe shard path ${shard}`);
      await get(shard);
    }
  } catch (e) {
    if (!(e instanceof ModelRegistryError) || !/HTTP 404/.test(e.message)) throw e;
    await get("model.safetensors");
  }
  return dest;
}
