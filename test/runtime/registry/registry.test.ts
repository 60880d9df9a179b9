import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { models } from "../../../db/schema";
import { ModelRegistryError } from "../../../workers/models/errors";
import { cachePathFor } from "../../../workers/models/hub-download";
import { addModel, getModel, listModels, registerDemoModel, removeModel } from "../../../workers/models/registry";
import { STORIES_GGUF, STORIES_SHA256 } from "../fixtures";
import { writeRandomCheckpoint } from "../writers/random-checkpoint";
import { useHubFixture } from "./hub-fixture";

const STORIES_PATH = "/ggml-org/tiny-llamas/resolve/main/stories260K.gguf";
const STORIES_SOURCE = "hf:ggml-org/tiny-llamas/stories260K.gguf";
/** 2 * 512 * 64 (embedding, output) + 64 (final norm) + 5 blocks of (q 64*64, k/v 32*64, o 64*64, 2 norms, 3 * 172*64). */
const STORIES_PARAMETERS = 2 * 512 * 64 + 64 + 5 * (64 * 64 + 2 * 32 * 64 + 64 * 64 + 2 * 64 + 3 * 172 * 64);

const hub = useHubFixture("mechmap-registry-");
const stories = readFileSync(STORIES_GGUF);
let cacheN = 0;
const freshCache = () => path.join(hub.tmp.dir, `cache-${cacheN++}`);
afterEach(async () => {
  await hub.tdb.db.delete(models);
  hub.server.files.clear();
  hub.server.requests.length = 0;
  hub.server.dropOnce.clear();
  hub.server.dropAlways.clear();
});

async function rejection(p: Promise<unknown>): Promise<ModelRegistryError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ModelRegistryError);
    if (e instanceof ModelRegistryError) return e;
  }
  throw new Error("expected a ModelRegistryError");
}

describe("model registry", () => {
  it("adds a local GGUF: architecture facts read from the weights, status ready", async () => {
    const row = await addModel(hub.tdb.db, { source: STORIES_GGUF, licence: "MIT" });
    expect(row).toMatchObject({
      name: "stories260K", architecture: "llama", parameterCount: STORIES_PARAMETERS, layers: 5, dModel: 64, vocabSize: 512,
      contextLength: 2048, source: STORIES_GGUF, localPath: STORIES_GGUF, sha256: STORIES_SHA256, licence: "MIT",
      status: "ready", statusReason: null,
    });
    expect((await listModels(hub.tdb.db)).map((m) => m.name)).toEqual(["stories260K"]);
  });

  it("downloads hf: sources with progress, resumes a dropped connection with a Range request, checks the sha256", async () => {
    hub.server.files.set(STORIES_PATH, stories);
    hub.server.dropOnce.add(STORIES_PATH);
    const cacheDir = freshCache();
    const progress: number[] = [];
    let during: Promise<unknown> | null = null;
    const row = await addModel(hub.tdb.db, { source: STORIES_SOURCE }, {
      cacheDir,
      retryDelayMs: 10,
      onProgress: (p) => {
        progress.push(p.bytesDone);
        during ??= getModel(hub.tdb.db, "stories260K");
      },
    });
    // While bytes were arriving the row said so, and nothing more.
    expect(await during).toMatchObject({ status: "downloading", architecture: null, sha256: null, localPath: null });
    const half = Math.floor(stories.length / 2);
    expect(hub.server.requests.map((r) => [r.range, r.status])).toEqual([[null, 200], [`bytes=${half}-`, 206]]);
    expect(row).toMatchObject({ name: "stories260K", status: "ready", sha256: STORIES_SHA256, source: STORIES_SOURCE, architecture: "llama" });
    expect(row.localPath).toBe(path.join(cacheDir, "hf", "ggml-org", "tiny-llamas", "stories260K.gguf"));
    expect(readFileSync(row.localPath ?? "").equals(stories)).toBe(true);
    expect(existsSync(`${row.localPath}.part`)).toBe(false);
    expect(progress.at(-1)).toBe(stories.length);
    expect(progress).toContain(half);
  });

  it("leaves an interrupted add failed with a reason, and the next add resumes from the .part file", async () => {
    hub.server.files.set(STORIES_PATH, stories);
    hub.server.dropOnce.add(STORIES_PATH);
    const cacheDir = freshCache();
    const err = await rejection(addModel(hub.tdb.db, { source: STORIES_SOURCE }, { cacheDir, maxAttempts: 1 }));
    expect(err.message).toMatch(/^Download of stories260K\.gguf was interrupted after 1 attempt\(s\) \(\d+ bytes kept in stories260K\.gguf\.part\): .*Run the same command again to resume\.$/);
    const failed = await getModel(hub.tdb.db, "stories260K");
    expect(failed).toMatchObject({ status: "failed", statusReason: err.message, architecture: null, sha256: null });
    const part = `${cachePathFor({ kind: "hf", org: "ggml-org", repo: "tiny-llamas", file: "stories260K.gguf" }, cacheDir)}.part`;
    const kept = readFileSync(part).length;
    expect(kept).toBeGreaterThan(0);

    const row = await addModel(hub.tdb.db, { source: STORIES_SOURCE }, { cacheDir, maxAttempts: 1 });
    expect(hub.server.requests.at(-1)).toEqual({ path: STORIES_PATH, range: `bytes=${kept}-`, status: 206 });
    expect(row).toMatchObject({ id: failed?.id, status: "ready", statusReason: null, sha256: STORIES_SHA256 });
  });

  it("refuses a download whose sha256 does not match: model failed, file deleted", async () => {
    const corrupt = Buffer.from(stories);
    corrupt[corrupt.length - 1] = (corrupt[corrupt.length - 1] ?? 0) ^ 0xff;
    hub.server.files.set(STORIES_PATH, corrupt);
    const cacheDir = freshCache();
    const err = await rejection(addModel(hub.tdb.db, { source: STORIES_SOURCE }, { cacheDir }));
    expect(err.message).toMatch(new RegExp(`^sha256 mismatch for stories260K\\.gguf: expected ${STORIES_SHA256}, got [0-9a-f]{64}\\. The download was deleted; check the source\\.$`));
    expect(await getModel(hub.tdb.db, "stories260K")).toMatchObject({ status: "failed", statusReason: err.message, localPath: null });
    expect(readdirSync(path.join(cacheDir, "hf", "ggml-org", "tiny-llamas"))).toEqual([]);
  });

  it("fails with the HTTP status when the hub has no such file", async () => {
    const err = await rejection(addModel(hub.tdb.db, { source: "hf:nobody/nothing/missing.gguf" }, { cacheDir: freshCache() }));
    expect(err.message).toBe(`Download of missing.gguf failed: HTTP 404 for ${hub.server.url}/nobody/nothing/resolve/main/missing.gguf.`);
    expect(await getModel(hub.tdb.db, "missing")).toMatchObject({ status: "failed", statusReason: err.message });
  });

  it("marks a model failed when its weights are refused by the loader", async () => {
    const bad = path.join(hub.tmp.dir, "half.gguf");
    writeFileSync(bad, stories.subarray(0, 500_000));
    const err = await rejection(addModel(hub.tdb.db, { source: bad, name: "half" }));
    expect(err.message).toMatch(/^truncated GGUF file half\.gguf: tensor blk\.\d+\.\S+ needs bytes/);
    expect(await getModel(hub.tdb.db, "half")).toMatchObject({ status: "failed", statusReason: err.message, architecture: null, parameterCount: null });
  });

  it("creates no row for invalid input, and refuses a taken name without touching the existing model", async () => {
    expect((await rejection(addModel(hub.tdb.db, { source: "ftp://example.com/x.gguf" }))).code).toBe("BAD_REQUEST");
    expect((await rejection(addModel(hub.tdb.db, { source: "hf:only-org" }))).message).toMatch(/is not a Hugging Face source/);
    expect((await rejection(addModel(hub.tdb.db, { source: path.join(hub.tmp.dir, "nope.gguf") }))).message).toMatch(/^No such file or directory: /);
    expect((await rejection(addModel(hub.tdb.db, { source: STORIES_GGUF, name: "bad name!" }))).code).toBe("BAD_REQUEST");
    expect(await listModels(hub.tdb.db)).toEqual([]);

    const first = await addModel(hub.tdb.db, { source: STORIES_GGUF, name: "s" });
    const conflict = await rejection(addModel(hub.tdb.db, { source: STORIES_SOURCE, name: "s" }));
    expect(conflict.code).toBe("CONFLICT");
    expect(conflict.message).toBe("A model named s already exists (status ready). Choose another name with --name, or remove it first.");
    expect(await getModel(hub.tdb.db, "s")).toEqual(first);
  });

  it("downloads an HF model directory from hf:<org>/<repo>", async () => {
    const ck = writeRandomCheckpoint(path.join(hub.tmp.dir, "ck"), "qwen3", { shards: 2 });
    for (const f of readdirSync(ck.hfDir)) hub.server.files.set(`/acme/tiny-qwen3/resolve/main/${f}`, readFileSync(path.join(ck.hfDir, f)));
    const cacheDir = freshCache();
    const row = await addModel(hub.tdb.db, { source: "hf:acme/tiny-qwen3", licence: "apache-2.0" }, { cacheDir });
    expect(row).toMatchObject({
      name: "tiny-qwen3", architecture: "qwen3", layers: 2, dModel: 32, vocabSize: ck.weights.config.vocabSize, contextLength: 64, status: "ready",
      localPath: path.join(cacheDir, "hf", "acme", "tiny-qwen3"),
    });
    expect(row.parameterCount).toBe([...ck.weights.tensors.values()].reduce((n, t) => n + t.data.length, 0));
    expect(readdirSync(row.localPath ?? "").sort()).toEqual(readdirSync(ck.hfDir).sort());
  });

  it("removes a model, deleting cached downloads but never a user's own file", async () => {
    hub.server.files.set(STORIES_PATH, stories);
    const cacheDir = freshCache();
    const downloaded = await addModel(hub.tdb.db, { source: STORIES_SOURCE, name: "dl" }, { cacheDir });
    await addModel(hub.tdb.db, { source: STORIES_GGUF, name: "local" });
    await removeModel(hub.tdb.db, "dl", { cacheDir });
    await removeModel(hub.tdb.db, "local", { cacheDir });
    expect(existsSync(downloaded.localPath ?? "")).toBe(false);
    expect(existsSync(STORIES_GGUF)).toBe(true);
    expect(await listModels(hub.tdb.db)).toEqual([]);
    expect((await rejection(removeModel(hub.tdb.db, "dl"))).code).toBe("NOT_FOUND");
  });
});

describe("registerDemoModel", () => {
  it("registers stories260K from the fixtures when present", async () => {
    const result = await registerDemoModel(hub.tdb.db);
    expect(result).toMatchObject({ registered: true, message: `Registered stories260K from ${STORIES_GGUF}.` });
    expect(result.model).toMatchObject({ name: "stories260K", status: "ready", licence: "MIT", sha256: STORIES_SHA256 });
    expect((await registerDemoModel(hub.tdb.db)).message).toBe("stories260K is already registered.");
  });

  it("falls back to the hub when the fixture is missing", async () => {
    hub.server.files.set(STORIES_PATH, stories);
    const result = await registerDemoModel(hub.tdb.db, { fixturePath: path.join(hub.tmp.dir, "absent.gguf"), cacheDir: freshCache() });
    expect(result.registered).toBe(true);
    expect(result.model).toMatchObject({ source: STORIES_SOURCE, status: "ready", sha256: STORIES_SHA256 });
  });

  it("says so, without throwing, when neither the fixture nor the hub is available", async () => {
    process.env.HF_ENDPOINT = "http://127.0.0.1:9"; // nothing listens there
    try {
      const result = await registerDemoModel(hub.tdb.db, { fixturePath: path.join(hub.tmp.dir, "absent.gguf"), cacheDir: freshCache(), maxAttempts: 1 });
      expect(result.registered).toBe(false);
      expect(result.message).toMatch(/^The demo model stories260K is not available \(no local copy at .*absent\.gguf; hf:ggml-org\/tiny-llamas\/stories260K\.gguf: Download of stories260K\.gguf was interrupted .*\)\. The rest of the demo works without it\.$/);
      const [row] = await hub.tdb.db.select().from(models).where(eq(models.name, "stories260K"));
      expect(row?.status).toBe("failed");
    } finally {
      process.env.HF_ENDPOINT = hub.server.url;
    }
  });
});
