/**
 * The JS-side KV cache (workers/runtime/generate/kv-buffer.ts): slot layout, the mask over left
 * padding and free slots, growth and dropping rows keep what was stored; then generate() over
 * more steps than the first allocation holds (so the buffer grows several times, with a row
 * dropped on the way) equals greedy decoding by re-running the whole prefix.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KvBuffer } from "../../../workers/runtime/generate/kv-buffer";
import { loadGgufWeights } from "../../../workers/runtime/formats/gguf-model";
import { createHostedModel, type OnnxHostedModel } from "../../../workers/runtime/hosted-model";
import { greedyDecode } from "../../../workers/runtime/reference";
import { STORIES_GGUF, readStoriesGolden } from "../fixtures";
import { tempDir, testSessionCache } from "../graph/helpers";

/** [rows, heads, S, D] with value = 1000·row + 100·head + 10·position + dim (position counted from `from`). */
function present(rows: number[], heads: number, from: number, S: number, D: number): Float32Array {
  const out = new Float32Array(rows.length * heads * S * D);
  rows.forEach((row, r) => {
    for (let h = 0; h < heads; h++) {
      for (let s = 0; s < S; s++) for (let d = 0; d < D; d++) out[((r * heads + h) * S + s) * D + d] = 1000 * row + 100 * h + 10 * (from + s) + d;
    }
  });
  return out;
}

function feedData(buffer: KvBuffer, name: string): { data: Float32Array | BigInt64Array; dims: readonly number[] } {
  const t = buffer.feeds()[name];
  if (!t) throw new Error(`no feed ${name}`);
  return { data: t.data as Float32Array | BigInt64Array, dims: t.dims };
}

describe("KvBuffer", () => {
  const shape = { nLayers: 2, nKvHeads: 2, headDim: 3 };

  it("stores new positions in place, masks padding and free slots, grows and drops rows without losing slots", () => {
    // row 0 has one slot of left padding
    const buffer = new KvBuffer(shape, [1, 0], 3, 7);
    const all = [0, 1];
    buffer.append([present(all, 2, 0, 2, 3), present(all, 2, 0, 2, 3)], [present(all, 2, 0, 2, 3), present(all, 2, 0, 2, 3)], 2);
    let key = feedData(buffer, "past_key.1");
    expect(key.dims).toEqual([2, 2, 3, 3]);
    // row 1, head 1, slot 1 = positions' value; slot 2 is free (zeros)
    expect([...key.data.slice(((1 * 2 + 1) * 3 + 1) * 3, ((1 * 2 + 1) * 3 + 2) * 3)]).toEqual([1110, 1111, 1112]);
    expect([...key.data.slice(((1 * 2 + 1) * 3 + 2) * 3, ((1 * 2 + 1) * 3 + 3) * 3)]).toEqual([0, 0, 0]);
    // mask [rows, capacity + 1]: padding and the free slot hidden, the new position open
    expect([...feedData(buffer, "attention_mask").data]).toEqual([0n, 1n, 0n, 1n, 1n, 1n, 0n, 1n]);

    buffer.append([present(all, 2, 2, 1, 3), present(all, 2, 2, 1, 3)], [present(all, 2, 2, 1, 3), present(all, 2, 2, 1, 3)], 1);
    // full: the next append grows the buffer (3 → min(7, 3 + 16))
    buffer.append([present(all, 2, 3, 1, 3), present(all, 2, 3, 1, 3)], [present(all, 2, 3, 1, 3), present(all, 2, 3, 1, 3)], 1);
    expect(buffer.filled).toBe(4);
    key = feedData(buffer, "past_key.0");
    expect(key.dims).toEqual([2, 2, 7, 3]);
    const slot = (row: number, head: number, s: number): number[] => [...(key.data as Float32Array).slice(((row * 2 + head) * 7 + s) * 3, ((row * 2 + head) * 7 + s + 1) * 3)];
    for (let s = 0; s < 4; s++) expect(slot(1, 0, s)).toEqual([1000 + 10 * s, 1001 + 10 * s, 1002 + 10 * s]);
    expect(slot(0, 1, 3)).toEqual([130, 131, 132]);
    expect(slot(0, 1, 4)).toEqual([0, 0, 0]);
    expect([...feedData(buffer, "attention_mask").data]).toEqual([0n, 1n, 1n, 1n, 0n, 0n, 0n, 1n, 1n, 1n, 1n, 1n, 0n, 0n, 0n, 1n]);

    // row 0 finished: only row 1 stays, with its slots and mask
    buffer.keepRows([1]);
    const value = feedData(buffer, "past_value.1");
    expect(value.dims).toEqual([1, 2, 7, 3]);
    expect([...value.data.slice((1 * 7 + 3) * 3, (1 * 7 + 4) * 3)]).toEqual([1130, 1131, 1132]);
    expect([...feedData(buffer, "attention_mask").data]).toEqual([1n, 1n, 1n, 1n, 0n, 0n, 0n, 1n]);
    buffer.append([present([1], 2, 4, 1, 3), present([1], 2, 4, 1, 3)], [present([1], 2, 4, 1, 3), present([1], 2, 4, 1, 3)], 1);
    expect([...feedData(buffer, "attention_mask").data]).toEqual([1n, 1n, 1n, 1n, 1n, 0n, 0n, 1n]);
    expect(() => buffer.append([new Float32Array(5), new Float32Array(5)], [new Float32Array(5), new Float32Array(5)], 1)).toThrow(/wrong size/);
  });

  it("refuses to grow past its maximum", () => {
    const buffer = new KvBuffer({ nLayers: 1, nKvHeads: 1, headDim: 1 }, [0], 1, 2);
    buffer.append([Float32Array.of(1)], [Float32Array.of(1)], 1);
    buffer.append([Float32Array.of(2)], [Float32Array.of(2)], 1);
    expect(() => buffer.append([Float32Array.of(3)], [Float32Array.of(3)], 1)).toThrow(/overflow/);
  });
});

describe("generate() with a growing buffer", () => {
  const cache = tempDir("kv-buffer");
  const sessions = testSessionCache();
  let model: OnnxHostedModel;
  beforeAll(async () => {
    model = createHostedModel(await loadGgufWeights(STORIES_GGUF), null, { cacheDir: cache.dir, sessionCache: sessions });
  });
  afterAll(async () => {
    await sessions.clear();
    cache.cleanup();
  });

  it("120 new tokens (several growths, one sequence stopping after 30+ steps) equal re-running the whole prefix", async () => {
    const golden = readStoriesGolden();
    const V = model.config.vocabSize;
    const next = async (ids: number[]): Promise<Float32Array> => {
      const all = (await model.forward({ inputIds: [ids], taps: [], logits: true })).logits![0]!;
      return all.slice((ids.length - 1) * V, ids.length * V);
    };
    const prompts = [golden.promptIds, [1, 403, 261, 285, 9], [1, 300, 301, 302, 303, 304, 305]];
    const want = await Promise.all(prompts.map(async (p) => (await greedyDecode(next, p, { maxNewTokens: 120 })).slice(p.length)));
    // a token one sequence produces for the first time after 30 steps and another never does
    const stopId = want
      .flatMap((w) => w.filter((id, i) => i >= 30 && w.indexOf(id) === i))
      .find((id) => want.some((w) => !w.includes(id)));
    if (stopId === undefined) throw new Error("no suitable stop token: the test prompts need other continuations");
    const stopAt = want.map((w) => w.indexOf(stopId));
    const got = await model.generate({ prompts, maxNewTokens: 120, stopIds: [stopId] });
    want.forEach((w, b) => {
      const end = stopAt[b]! === -1 ? w.length : stopAt[b]! + 1;
      expect(got.tokens[b], `prompt ${b}`).toEqual(w.slice(0, end));
      expect(got.stoppedBy[b]).toBe(stopAt[b]! === -1 ? "budget" : "stop");
    });
    expect(got.tokens.some((t) => t.length === 120)).toBe(true);
    expect(got.stoppedBy).toContain("stop");
  });
});
