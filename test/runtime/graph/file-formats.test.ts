/**
 * The whole path from files on disk: HF directories (stories260K converted with q/k permuted to
 * rotate-half) and R1's random GGUF/HF checkpoints, loaded by loadHostedModel, compiled and run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHostedModel, type OnnxHostedModel } from "../../../workers/runtime/hosted-model";
import type { Architecture } from "../../../workers/runtime/types";
import { STORIES_GGUF, readStoriesGolden } from "../fixtures";
import { writeRandomCheckpoint } from "../writers/random-checkpoint";
import { convertStoriesToHf } from "../writers/stories-to-hf";
import { referenceSequenceForward } from "../../../workers/runtime/reference";
import { allHooks, maxAbsDiff, tempDir, testSessionCache } from "./helpers";

const work = tempDir("formats");
const cacheDir = `${work.dir}/graphs`;
const sessions = testSessionCache();
afterAll(async () => {
  await sessions.clear();
  work.cleanup();
});

describe("stories260K as a Hugging Face directory", () => {
  let gguf: OnnxHostedModel;
  let hf: OnnxHostedModel;
  beforeAll(async () => {
    await convertStoriesToHf(`${work.dir}/stories-hf`);
    gguf = await loadHostedModel(STORIES_GGUF, { cacheDir, sessionCache: sessions });
    hf = await loadHostedModel(`${work.dir}/stories-hf`, { cacheDir, sessionCache: sessions });
  });

  it("loads with rotate-half RoPE and the same tokenizer", () => {
    expect(gguf.config.ropeLayout).toBe("adjacent-pairs");
    expect(hf.config.ropeLayout).toBe("rotate-half");
    const golden = readStoriesGolden();
    expect(hf.tokenizer.encode(golden.prompt, { addBos: true }).ids).toEqual(golden.promptIds);
  });

  it("gives the same residual stream as the GGUF path (1e-4) and the golden values", async () => {
    const golden = readStoriesGolden();
    const nLayers = gguf.config.nLayers;
    const taps = ["hook_embed", ...Array.from({ length: nLayers }, (_, L) => `blocks.${L}.hook_resid_post`)];
    const ids = golden.sequence.slice(0, 24);
    const [a, b] = await Promise.all([gguf, hf].map((m) => m.forward({ inputIds: [ids, ids.slice(0, 9)], taps, logits: true })));
    for (const hook of taps) {
      for (let s = 0; s < 2; s++) expect(maxAbsDiff(b!.taps.get(hook)![s]!, a!.taps.get(hook)![s]!), `${hook} seq ${s}`).toBeLessThan(1e-4);
    }
    for (let s = 0; s < 2; s++) expect(maxAbsDiff(b!.logits![s]!, a!.logits![s]!)).toBeLessThan(1e-3);
    const d = hf.config.dModel;
    for (const [pos, rows] of golden.residual) {
      rows.forEach((want, k) => expect(maxAbsDiff(b!.taps.get(taps[k]!)![0]!.subarray(pos * d, (pos + 1) * d), want)).toBeLessThan(1e-4));
    }
  });
});

describe("random checkpoints written as GGUF and HF, against the float64 reference", () => {
  const archs: Architecture[] = ["gpt2", "qwen3", "qwen2", "llama"];
  it.each(archs)("%s", async (arch) => {
    const ckpt = writeRandomCheckpoint(`${work.dir}/ckpt-${arch}`, arch, { seed: 3 });
    const taps = allHooks(ckpt.weights.config.nLayers, arch === "gpt2" ? ["hook_pos_embed"] : []);
    const prompts = [
      [5, 100, 37, 250, 12, 9, 77, 300],
      [42, 7, 19],
    ];
    const refs = prompts.map((ids) => referenceSequenceForward(ckpt.weights, ids));
    for (const file of [ckpt.ggufPath, ckpt.hfDir]) {
      const model = await loadHostedModel(file, { cacheDir, sessionCache: sessions });
      expect(model.config.architecture).toBe(arch);
      const result = await model.forward({ inputIds: prompts, taps, logits: true });
      refs.forEach((ref, b) => {
        for (const hook of taps) expect(maxAbsDiff(result.taps.get(hook)![b]!, ref.taps.get(hook)!), `${file}: ${hook}`).toBeLessThan(1e-4);
        expect(maxAbsDiff(result.logits![b]!, ref.logits), `${file}: logits`).toBeLessThan(1e-4);
      });
      // the tokenizer that came with the files feeds the model
      const ids = model.tokenizer.encode("hello world").ids;
      expect(ids.length).toBeGreaterThan(0);
      await model.forward({ inputIds: [ids], taps: [], logits: true });
    }
  });
});
