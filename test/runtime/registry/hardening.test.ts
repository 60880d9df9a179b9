/**
 * The registry against hostile or broken sources: non-public download targets (first URL and every
 * redirect hop), damaged weights (NaN/Infinity values, sha256 mismatches against a known or
 * hub-published hash), special files (FIFO), and removal of what a failed download left behind.
 */
import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { models } from "../../../db/schema";
import { EXIT, runModelCli } from "../../../workers/cli/model";
import { ModelRegistryError } from "../../../workers/models/errors";
import { cachePathFor } from "../../../workers/models/hub-download";
import { ANY_ADDRESS, type AddressPolicy, PUBLIC_ONLY, RefusedTargetError, fetchPublic } from "../../../workers/models/public-fetch";
import { DEMO_MODEL, addModel, getModel, listModels, registerDemoModel, removeModel } from "../../../workers/models/registry";
import { PROJECT_ROOT, STORIES_GGUF, STORIES_SHA256 } from "../fixtures";
import { writeGguf } from "../writers/gguf-writer";
import { ggufMetadataFor, ggufTensorsFor, randomCheckpointConfig, randomCheckpointWeights, seededRandom } from "../writers/random-checkpoint";
import { useHubFixture } from "./hub-fixture";

const run = promisify(execFile);
const hub = useHubFixture("mechmap-hardening-");
const stories = readFileSync(STORIES_GGUF);
let cacheN = 0;
const freshCache = () => path.join(hub.tmp.dir, `cache-${cacheN++}`);

afterEach(async () => {
  process.env.MECHMAP_ALLOW_PRIVATE_MODEL_URLS = "1";
  await hub.tdb.db.delete(models);
  hub.server.files.clear();
  hub.server.requests.length = 0;
  hub.server.dropOnce.clear();
  hub.server.dropAlways.clear();
  hub.server.redirects.clear();
  hub.server.extraHeaders.clear();
});

/** Runs `f` as a deployment without the setting would (the fixture allows private URLs otherwise). */
async function withoutPrivateUrls<T>(f: () => Promise<T>): Promise<T> {
  process.env.MECHMAP_ALLOW_PRIVATE_MODEL_URLS = "0";
  try {
    return await f();
  } finally {
    process.env.MECHMAP_ALLOW_PRIVATE_MODEL_URLS = "1";
  }
}

async function rejection(p: Promise<unknown>): Promise<ModelRegistryError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ModelRegistryError);
    if (e instanceof ModelRegistryError) return e;
  }
  throw new Error("expected a ModelRegistryError");
}

function capture() {
  const out: string[] = [];
  let err = "";
  return { io: { out: (l: string) => out.push(l), err: (t: string) => { err += t; }, isTTY: false }, out, err: () => err };
}

/** A small llama GGUF whose blk.0.attn_q.weight holds `nans` NaN values. */
function nanGguf(file: string, nans: number): Buffer {
  const weights = randomCheckpointWeights(randomCheckpointConfig("llama"));
  const q = weights.tensors.get("blk.0.attn_q.weight");
  if (!q) throw new Error("missing tensor");
  for (let i = 0; i < nans; i++) q.data[i * 7] = Number.NaN;
  writeGguf(file, { metadata: ggufMetadataFor(weights.config), tensors: ggufTensorsFor(weights) });
  return readFileSync(file);
}

/** stories260K with 100 KB of its tensor data overwritten. */
function overwrittenStories(file: string, fill: "zeros" | "random"): void {
  const copy = Buffer.from(stories);
  const r = seededRandom(7);
  for (let i = 600_000; i < 600_000 + 100 * 1024; i++) copy[i] = fill === "zeros" ? 0 : Math.floor(r.uniform() * 256);
  writeFileSync(file, copy);
}

describe("download targets must be public addresses", () => {
  it("refuses the local server's URL when the setting is off: no request, no row, no file", async () => {
    hub.server.files.set("/m/stories260K.gguf", stories);
    const cacheDir = freshCache();
    const url = `${hub.server.url}/m/stories260K.gguf`;
    const err = await withoutPrivateUrls(() => rejection(addModel(hub.tdb.db, { source: url }, { cacheDir })));
    expect(err.code).toBe("REFUSED");
    expect(err.message).toBe(
      `Download refused: refused to connect to ${url}: 127.0.0.1 is a loopback address, not a public one (set MECHMAP_ALLOW_PRIVATE_MODEL_URLS=1 to allow non-public addresses).`,
    );
    const viaName = await withoutPrivateUrls(() => rejection(addModel(hub.tdb.db, { source: url.replace("127.0.0.1", "localhost") }, { cacheDir })));
    expect(viaName.message).toMatch(/: localhost resolves to (127\.0\.0\.1|::1), a loopback address, not a public one/);
    const viaHub = await withoutPrivateUrls(() => rejection(addModel(hub.tdb.db, { source: "hf:ggml-org/tiny-llamas/stories260K.gguf" }, { cacheDir })));
    expect(viaHub.code).toBe("REFUSED");
    const viaCli = capture();
    expect(await withoutPrivateUrls(() => runModelCli(["add", url], hub.tdb.db, viaCli.io, { cacheDir }))).toBe(EXIT.refused);
    expect(viaCli.err()).toBe(`error: ${err.message}\n`);

    expect(hub.server.requests).toEqual([]);
    expect(await listModels(hub.tdb.db)).toEqual([]);
    expect(existsSync(cacheDir)).toBe(false);
  });

  it("refuses a redirect hop to loopback (first hop allowed by the policy): the target is never requested, the model fails", async () => {
    hub.server.redirects.set("/start/model.gguf", `${hub.server.url}/target/model.gguf`);
    hub.server.files.set("/target/model.gguf", stories);
    const policy: AddressPolicy = { allows: (_address, url) => url.pathname.startsWith("/start/") };
    const cacheDir = freshCache();
    const err = await rejection(addModel(hub.tdb.db, { source: `${hub.server.url}/start/model.gguf`, name: "redir" }, { cacheDir, policy }));
    expect(err.code).toBe("REFUSED");
    expect(err.message).toBe(
      `Download of model.gguf refused: refused to connect to ${hub.server.url}/target/model.gguf: 127.0.0.1 is a loopback address, not a public one (set MECHMAP_ALLOW_PRIVATE_MODEL_URLS=1 to allow non-public addresses).`,
    );
    expect(err.message).not.toContain("secret page body");
    expect(hub.server.requests).toEqual([{ path: "/start/model.gguf", range: null, status: 302 }]);
    expect(await getModel(hub.tdb.db, "redir")).toMatchObject({ status: "failed", statusReason: err.message, localPath: null });
    expect(readdirSync(path.dirname(cachePathFor({ kind: "url", url: `${hub.server.url}/start/model.gguf` }, cacheDir)))).toEqual([]);
  });

  it("follows at most 5 redirects, only to http(s), and follows them when allowed", async () => {
    hub.server.redirects.set("/loop", `${hub.server.url}/loop`);
    await expect(fetchPublic(`${hub.server.url}/loop`, { policy: ANY_ADDRESS })).rejects.toThrow(new RefusedTargetError(`${hub.server.url}/loop`, "more than 5 redirects"));
    expect(hub.server.requests.filter((r) => r.path === "/loop")).toHaveLength(6);
    hub.server.redirects.set("/to-file", "file:///etc/passwd");
    await expect(fetchPublic(`${hub.server.url}/to-file`, { policy: ANY_ADDRESS })).rejects.toThrow("refused to connect to file:///etc/passwd: only http and https are allowed, not file");

    // The connection goes to the checked addresses, not to a second DNS answer: a name the system
    // resolver cannot resolve still reaches the server the (injected) checked lookup answered.
    hub.server.files.set("/pinned", Buffer.from("ok"));
    const port = new URL(hub.server.url).port;
    const resolved: string[] = [];
    const res = await fetchPublic(`http://model-host.invalid:${port}/pinned`, {
      policy: ANY_ADDRESS,
      resolveHost: async (host) => {
        resolved.push(host);
        return [{ address: "127.0.0.1", family: 4 }];
      },
    });
    expect(res.status).toBe(200);
    res.body.destroy();
    expect(resolved).toEqual(["model-host.invalid"]);
    const refusedLater = fetchPublic(`http://model-host.invalid:${port}/pinned`, {
      policy: PUBLIC_ONLY,
      resolveHost: async () => [{ address: "93.184.215.14", family: 4 }, { address: "10.0.0.7", family: 4 }],
    });
    await expect(refusedLater).rejects.toThrow(/model-host\.invalid resolves to 10\.0\.0\.7, a private address, not a public one/);

    hub.server.redirects.set("/a/stories260K.gguf", "/b/stories260K.gguf"); // relative Location
    hub.server.files.set("/b/stories260K.gguf", stories);
    const row = await addModel(hub.tdb.db, { source: `${hub.server.url}/a/stories260K.gguf` }, { cacheDir: freshCache() });
    expect(row).toMatchObject({ status: "ready", sha256: STORIES_SHA256 });
  });
});

describe("damaged weights are refused", () => {
  it("a GGUF with NaN values: failed with the tensor's name, exit code 6", async () => {
    const file = path.join(hub.tmp.dir, "nan.gguf");
    nanGguf(file, 5);
    const err = await rejection(addModel(hub.tdb.db, { source: file }));
    expect(err.code).toBe("DAMAGED");
    expect(err.message).toBe("nan.gguf: blk.0.attn_q.weight has 5 non-finite values (NaN or Infinity); the file is damaged");
    expect(await getModel(hub.tdb.db, "nan")).toMatchObject({ status: "failed", statusReason: err.message, architecture: null });
    const cli = capture();
    expect(await runModelCli(["add", file, "--name", "nan2"], hub.tdb.db, cli.io)).toBe(EXIT.damaged);
    expect(cli.err()).toBe(`error: ${err.message}\n`);
  });

  it("stories260K with 100 KB overwritten: finite garbage fails the known sha256, random garbage fails the value check", async () => {
    const zeros = path.join(hub.tmp.dir, "stories-zeroed.gguf");
    overwrittenStories(zeros, "zeros");
    const err = await rejection(addModel(hub.tdb.db, { source: zeros }, { expectedSha256: DEMO_MODEL.sha256 }));
    expect(err.code).toBe("DAMAGED");
    expect(err.message).toMatch(
      new RegExp(`^sha256 mismatch for stories-zeroed\\.gguf: expected ${STORIES_SHA256}, got (?!${STORIES_SHA256})[0-9a-f]{64}\\. The file is not the published model \\(damaged or modified\\); replace it with a fresh copy\\.$`),
    );
    expect(await getModel(hub.tdb.db, "stories-zeroed")).toMatchObject({ status: "failed", statusReason: err.message });

    // The demo registration knows the hash: a modified fixture is refused (and the hub has no copy here).
    const demo = await registerDemoModel(hub.tdb.db, { fixturePath: zeros, cacheDir: freshCache(), maxAttempts: 1 });
    expect(demo.registered).toBe(false);
    expect(demo.message).toContain(`${zeros}: sha256 mismatch for stories-zeroed.gguf: expected ${STORIES_SHA256}`);
    expect((await getModel(hub.tdb.db, "stories260K"))?.status).toBe("failed");

    const random = path.join(hub.tmp.dir, "stories-random.gguf");
    overwrittenStories(random, "random");
    const byValues = await rejection(addModel(hub.tdb.db, { source: random }));
    expect(byValues.code).toBe("DAMAGED");
    expect(byValues.message).toMatch(/^stories-random\.gguf: blk\.\d+\.\w+\.weight has [\d,]+ non-finite values? \(NaN or Infinity\); the file is damaged$/);
  });

  it("the CLI checks a given --sha256 (exit code 6 on a mismatch, 2 for a malformed hash)", async () => {
    const wrong = capture();
    expect(await runModelCli(["add", STORIES_GGUF, "--name", "pinned", "--sha256", "ab".repeat(32)], hub.tdb.db, wrong.io)).toBe(EXIT.damaged);
    expect(wrong.err()).toBe(`error: sha256 mismatch for stories260K.gguf: expected ${"ab".repeat(32)}, got ${STORIES_SHA256}. The file is not the published model (damaged or modified); replace it with a fresh copy.\n`);
    expect(await runModelCli(["add", STORIES_GGUF, "--name", "pinned", "--sha256", "xyz"], hub.tdb.db, capture().io)).toBe(EXIT.usage);
    const right = capture();
    expect(await runModelCli(["add", STORIES_GGUF, "--name", "pinned", "--sha256", STORIES_SHA256.toUpperCase()], hub.tdb.db, right.io)).toBe(EXIT.ok);
    expect(right.out[0]).toMatch(/^Added pinned {2}ready/);
  });

  it("checks the sha256 the hub publishes for an LFS file (X-Linked-Etag on the redirect)", async () => {
    const wrong = "0".repeat(64);
    hub.server.redirects.set("/acme/tiny/resolve/main/copy.gguf", `${hub.server.url}/cdn/blob-1`);
    hub.server.extraHeaders.set("/acme/tiny/resolve/main/copy.gguf", { "x-linked-etag": `"${wrong}"` });
    hub.server.files.set("/cdn/blob-1", stories);
    const cacheDir = freshCache();
    const err = await rejection(addModel(hub.tdb.db, { source: "hf:acme/tiny/copy.gguf" }, { cacheDir }));
    expect(err.code).toBe("DAMAGED");
    expect(err.message).toBe(`sha256 mismatch for copy.gguf: expected ${wrong}, got ${STORIES_SHA256}. The download was deleted; check the source.`);
    expect(await getModel(hub.tdb.db, "copy")).toMatchObject({ status: "failed", statusReason: err.message });

    hub.server.extraHeaders.set("/acme/tiny/resolve/main/copy.gguf", { "x-linked-etag": `"${STORIES_SHA256}"` });
    expect(await addModel(hub.tdb.db, { source: "hf:acme/tiny/copy.gguf" }, { cacheDir })).toMatchObject({ status: "ready", sha256: STORIES_SHA256 });
  });
});

describe("special files", () => {
  it("refuses a FIFO quickly, in process and from the CLI (exit code 2), without a row", { timeout: 60_000 }, async () => {
    const fifo = path.join(hub.tmp.dir, "pipe.gguf");
    execFileSync("mkfifo", [fifo]);
    const err = await rejection(addModel(hub.tdb.db, { source: fifo }));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toBe(`${fifo} is a named pipe (FIFO), not a model file; give a .gguf file or a Hugging Face model directory`);
    const empty = path.join(hub.tmp.dir, "no-model");
    mkdirSync(empty);
    expect((await rejection(addModel(hub.tdb.db, { source: empty }))).message).toBe(`${empty}: no config.json (not a Hugging Face model directory)`);
    expect(await listModels(hub.tdb.db)).toEqual([]);

    const tsx = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
    const cli = path.join(PROJECT_ROOT, "workers", "cli", "model.ts");
    const env = { ...process.env, DATABASE_URL: hub.tdb.url, MECHMAP_CACHE_DIR: freshCache() };
    // The bound only stops a regression from hanging the suite; the refusal comes from stat.
    await expect(run(tsx, [cli, "add", fifo], { env, timeout: 45_000 })).rejects.toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringMatching(/error: .*pipe\.gguf is a named pipe \(FIFO\), not a model file/),
    });
  });
});

describe("remove deletes what the registry downloaded", () => {
  it("a failed URL download's .part and a refused download's file, but never a local source (even inside the cache)", async () => {
    const cacheDir = freshCache();
    hub.server.files.set("/dl/stories260K.gguf", stories);
    hub.server.dropAlways.add("/dl/stories260K.gguf");
    const partUrl = `${hub.server.url}/dl/stories260K.gguf`;
    await rejection(addModel(hub.tdb.db, { source: partUrl, name: "partial" }, { cacheDir, maxAttempts: 1 }));
    const part = `${cachePathFor({ kind: "url", url: partUrl }, cacheDir)}.part`;
    expect(existsSync(part)).toBe(true);

    hub.server.files.set("/dl/nan.gguf", nanGguf(path.join(hub.tmp.dir, "served-nan.gguf"), 1));
    const nanUrl = `${hub.server.url}/dl/nan.gguf`;
    expect((await rejection(addModel(hub.tdb.db, { source: nanUrl, name: "bad-weights" }, { cacheDir }))).code).toBe("DAMAGED");
    const nanFile = cachePathFor({ kind: "url", url: nanUrl }, cacheDir);
    expect(existsSync(nanFile)).toBe(true);

    const local = path.join(cacheDir, "my-own.gguf");
    copyFileSync(STORIES_GGUF, local);
    await addModel(hub.tdb.db, { source: local, name: "local" }, { cacheDir });

    const rm = capture();
    expect(await runModelCli(["remove", "partial"], hub.tdb.db, rm.io, { cacheDir })).toBe(EXIT.ok);
    expect(rm.out).toEqual([`Removed partial and deleted its downloaded files: ${part}.`]);
    expect(existsSync(part)).toBe(false);
    expect(existsSync(path.dirname(part))).toBe(false);

    expect((await removeModel(hub.tdb.db, "bad-weights", { cacheDir })).deletedFiles).toEqual([nanFile]);
    expect(existsSync(nanFile)).toBe(false);

    expect((await removeModel(hub.tdb.db, "local", { cacheDir })).deletedFiles).toEqual([]);
    expect(readFileSync(local).equals(stories)).toBe(true);
  });

  it("keeps a download another model still uses", async () => {
    hub.server.files.set("/shared/stories260K.gguf", stories);
    const cacheDir = freshCache();
    const url = `${hub.server.url}/shared/stories260K.gguf`;
    const a = await addModel(hub.tdb.db, { source: url, name: "a" }, { cacheDir });
    await addModel(hub.tdb.db, { source: url, name: "b" }, { cacheDir });
    expect((await removeModel(hub.tdb.db, "a", { cacheDir })).deletedFiles).toEqual([]);
    expect(existsSync(a.localPath ?? "")).toBe(true);
    expect((await removeModel(hub.tdb.db, "b", { cacheDir })).deletedFiles).toEqual([a.localPath]);
    expect(existsSync(a.localPath ?? "")).toBe(false);
  });
});
