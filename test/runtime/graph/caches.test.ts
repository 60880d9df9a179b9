/**
 * Graph cache (disk, atomic, keyed) and session cache (LRU under a memory budget).
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { getOrCompileGraph, graphCacheKey, graphCacheStats } from "../../../workers/runtime/graph-cache";
import { createHostedModel } from "../../../workers/runtime/hosted-model";
import { compileGraph } from "../../../workers/runtime/onnx";
import { PROJECT_ROOT } from "../fixtures";
import { maxAbsDiff, runGraph, tempDir, testSessionCache } from "./helpers";
import { randomWeights, tinyConfig } from "./random-weights";

const cache = tempDir("caches");
afterAll(() => cache.cleanup());

const weights = randomWeights(tinyConfig("llama"), 5);
const spec = (taps: string[], logits = false) => ({ taps, logits, steeringBlocks: [], ablationBlocks: [] });

describe("graph cache", () => {
  it("a second load reuses the cached graph file without recompiling", async () => {
    const dir = path.join(cache.dir, "reuse");
    const sessions = testSessionCache();
    const request = { inputIds: [[1, 2, 3]], taps: ["blocks.1.hook_resid_post"], logits: true };
    const compiles0 = graphCacheStats.compiles;
    const first = await createHostedModel(weights, null, { cacheDir: dir, sessionCache: sessions }).forward(request);
    expect(graphCacheStats.compiles).toBe(compiles0 + 1);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const file = path.join(dir, files[0]!);
    const mtime = statSync(file).mtimeMs;

    const hits0 = graphCacheStats.hits;
    const second = await createHostedModel(weights, null, { cacheDir: dir, sessionCache: testSessionCache() }).forward(request);
    expect(graphCacheStats.compiles).toBe(compiles0 + 1);
    expect(graphCacheStats.hits).toBe(hits0 + 1);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(readdirSync(dir)).toEqual(files); // no temporary files left behind
    expect(maxAbsDiff(second.logits![0]!, first.logits![0]!)).toBe(0);
    await sessions.clear();
  });

  it("keys depend on taps (not their order), logits, interventions and weights", () => {
    const k = graphCacheKey(weights, spec(["hook_embed", "blocks.0.hook_resid_post"]));
    expect(graphCacheKey(weights, spec(["blocks.0.hook_resid_post", "hook_embed", "hook_embed"]))).toBe(k);
    expect(graphCacheKey(weights, spec(["hook_embed"]))).not.toBe(k);
    expect(graphCacheKey(weights, spec(["hook_embed", "blocks.0.hook_resid_post"], true))).not.toBe(k);
    expect(graphCacheKey(weights, { ...spec(["hook_embed", "blocks.0.hook_resid_post"]), steeringBlocks: [0] })).not.toBe(k);
    expect(graphCacheKey(weights, { ...spec(["hook_embed", "blocks.0.hook_resid_post"]), ablationBlocks: [0] })).not.toBe(k);
    expect(graphCacheKey({ ...weights, sha256: "other" }, spec(["hook_embed", "blocks.0.hook_resid_post"]))).not.toBe(k);
    // an intervention after the last needed block cannot change the graph
    expect(graphCacheKey(weights, { ...spec(["hook_embed", "blocks.0.hook_resid_post"]), steeringBlocks: [2] })).toBe(k);
  });

  it("concurrent processes compiling the same graph all succeed and leave one valid file", async () => {
    const dir = path.join(cache.dir, "concurrent");
    const script = path.join(cache.dir, "compile-worker.mts");
    const rel = (p: string) => JSON.stringify(path.join(PROJECT_ROOT, p));
    writeFileSync(
      script,
      `import { getOrCompileGraph } from ${rel("workers/runtime/graph-cache.ts")};
       import { randomWeights, tinyConfig } from ${rel("test/runtime/graph/random-weights.ts")};
       const w = randomWeights(tinyConfig("gpt2", { nLayers: 6, dModel: 256, dFfn: 1024, nHeads: 8, nKvHeads: 8, headDim: 32 }), 9);
       const g = await getOrCompileGraph(w, { taps: [], logits: true, steeringBlocks: [], ablationBlocks: [] }, { cacheDir: ${JSON.stringify(dir)} });
       console.log(g.path);`,
    );
    const run = () => promisify(execFile)(process.execPath, ["--import", "tsx", script], { cwd: PROJECT_ROOT });
    const outputs = await Promise.all([run(), run(), run()]);
    const paths = new Set(outputs.map((o) => o.stdout.trim()));
    expect(paths.size).toBe(1);
    expect(readdirSync(dir)).toHaveLength(1);
    const session = await ort.InferenceSession.create([...paths][0]!);
    expect(session.outputNames).toEqual(["logits"]);
    await session.release();
  });

  it("large graphs can keep their weights in an external data file", async () => {
    const dir = path.join(cache.dir, "external");
    const s = spec(["blocks.2.hook_resid_post"], true);
    const external = await getOrCompileGraph(weights, s, { cacheDir: dir, externalDataThreshold: 0 });
    expect(existsSync(`${external.path}.data`)).toBe(true);
    expect(external.bytes).toBe(statSync(external.path).size + statSync(`${external.path}.data`).size);
    expect(statSync(external.path).size).toBeLessThan(statSync(`${external.path}.data`).size);
    const session = await ort.InferenceSession.create(external.path, { intraOpNumThreads: 1 });
    const ids = [[1, 7, 3, 9]];
    const out = await session.run({
      input_ids: new ort.Tensor("int64", BigInt64Array.from([1n, 7n, 3n, 9n]), [1, 4]),
      attention_mask: new ort.Tensor("int64", BigInt64Array.from([1n, 1n, 1n, 1n]), [1, 4]),
    });
    const inline = await runGraph(weights, s, ids, [[1, 1, 1, 1]]);
    expect(maxAbsDiff(out.logits!.data as Float32Array, inline.logits!)).toBe(0);
    await session.release();
  });
});

describe("session cache", () => {
  it("releases the least recently used idle session when the budget is exceeded", async () => {
    const dir = path.join(cache.dir, "lru");
    const graphs = await Promise.all(
      ["blocks.0.hook_resid_post", "blocks.1.hook_resid_post", "blocks.2.hook_resid_post"].map((t) => getOrCompileGraph(weights, spec([t]), { cacheDir: dir })),
    );
    const [a, b, c] = graphs as [(typeof graphs)[0], (typeof graphs)[0], (typeof graphs)[0]];
    const sessions = testSessionCache(a.bytes + b.bytes + c.bytes - 1); // room for two of the three
    const use = async (g: typeof a) => (await sessions.acquire(g.key, g.path, g.bytes)).release();
    await use(a);
    await use(b);
    await use(a); // a is now more recent than b
    expect(sessions.stats).toMatchObject({ created: 2, released: 0, hits: 1 });
    await use(c);
    expect(sessions.stats.released).toBe(1);
    expect(sessions.keys()).toEqual([a.key, c.key]);
    expect(sessions.totalBytes).toBeLessThanOrEqual(sessions.budgetBytes);

    // a leased session is never released, even when it is the least recently used
    const leaseA = await sessions.acquire(a.key, a.path, a.bytes);
    await use(c);
    await use(b);
    expect(sessions.keys()).toContain(a.key);
    expect(sessions.keys()).not.toContain(c.key);
    const out = await leaseA.session.run({
      input_ids: new ort.Tensor("int64", BigInt64Array.from([1n, 2n]), [1, 2]),
      attention_mask: new ort.Tensor("int64", BigInt64Array.from([1n, 1n]), [1, 2]),
    });
    expect(out["blocks.0.hook_resid_post"]).toBeDefined();
    await leaseA.release();
    await sessions.clear();
    expect(sessions.keys()).toEqual([]);
  });

  it("compiled graphs include only the requested taps", () => {
    const compiled = compileGraph(weights, spec(["blocks.0.hook_mlp_out", "hook_embed"]));
    expect(compiled.builder.outputs.map((o) => o.name)).toEqual(["blocks.0.hook_mlp_out", "hook_embed"]);
    // nothing after block 0 is built
    expect(compiled.builder.weights.some((w) => w.name.startsWith("blk.1."))).toBe(false);
    expect(compiled.builder.weights.some((w) => w.name.startsWith("output"))).toBe(false);
  });
});
