/**
 * The model zoo (five trained models in three llama.cpp layouts: llama, qwen2, gpt2) against the
 * golden values of an independent float64 implementation: residual stream entering block 0 and
 * after every block, logits, greedy decoding, through the ONNX graph and the float32 reference.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parameterCount } from "../../../workers/runtime/formats/canonical-tensors";
import { inspectModel } from "../../../workers/runtime/formats/inspect";
import { loadHostedModel, type OnnxHostedModel } from "../../../workers/runtime/hosted-model";
import { ReferenceModel, greedyDecode, hostedNextLogits, referenceNextLogits } from "../../../workers/runtime/reference";
import { ZOO_MODEL_NAMES, type ZooModelName, hasZooFixtures, readZooGolden, readZooReadmeHashes, zooGgufPath } from "../fixtures";
import { maxAbsDiff, tempDir, testSessionCache } from "./helpers";

const cache = tempDir("zoo-golden");
const sessions = testSessionCache();
afterAll(async () => {
  await sessions.clear();
  cache.cleanup();
});

/** The README's layout facts, independent of the loader's reading of the metadata. */
const LAYOUT: Record<ZooModelName, { architecture: string; dModel: number; nLayers: number; nHeads: number; nKvHeads: number; dFfn: number; tied: boolean }> = {
  "tinystories-llama-d64-s1": { architecture: "llama", dModel: 64, nLayers: 5, nHeads: 8, nKvHeads: 4, dFfn: 172, tied: false },
  "tinystories-llama-d64-s2": { architecture: "llama", dModel: 64, nLayers: 5, nHeads: 8, nKvHeads: 4, dFfn: 172, tied: false },
  "tinystories-llama-d96-l6": { architecture: "llama", dModel: 96, nLayers: 6, nHeads: 8, nKvHeads: 4, dFfn: 256, tied: false },
  "tinystories-qwen2-d64-l4": { architecture: "qwen2", dModel: 64, nLayers: 4, nHeads: 4, nKvHeads: 2, dFfn: 192, tied: true },
  "tinystories-gpt2-d80-l4": { architecture: "gpt2", dModel: 80, nLayers: 4, nHeads: 4, nKvHeads: 4, dFfn: 320, tied: true },
};

/** The taps matching the golden's residual rows: k = 0 entering block 0 (with gpt2's positions), k = l + 1 after block l. */
function residualTaps(nLayers: number): string[] {
  return ["blocks.0.hook_resid_pre", ...Array.from({ length: nLayers }, (_, l) => `blocks.${l}.hook_resid_post`)];
}

describe.skipIf(!hasZooFixtures())("model zoo goldens", () => {
  describe.each(ZOO_MODEL_NAMES)("%s", (name) => {
    let model: OnnxHostedModel;
    beforeAll(async () => {
      model = await loadHostedModel(zooGgufPath(name), { cacheDir: cache.dir, sessionCache: sessions });
    });

    it("loads with the README's sha256, layout, parameter count and the shared tokenizer", async () => {
      const golden = readZooGolden(name);
      const layout = LAYOUT[name];
      expect(model.name).toBe(`${name}.gguf`);
      expect(golden.model).toBe(`${name}.gguf`);
      expect(model.weights.sha256).toBe(readZooReadmeHashes().get(name));
      expect(model.config).toMatchObject({
        architecture: layout.architecture, dModel: layout.dModel, nLayers: layout.nLayers, nHeads: layout.nHeads,
        nKvHeads: layout.nKvHeads, dFfn: layout.dFfn, tiedEmbeddings: layout.tied, vocabSize: 512,
      });
      expect(model.config.architecture).toBe(golden.architecture);
      expect(parameterCount(model.weights.tensors)).toBe(golden.parameters);
      expect((await inspectModel(zooGgufPath(name))).parameterCount).toBe(golden.parameters);
      expect(model.tokenizer.encode(golden.prompt, { addBos: true }).ids).toEqual(golden.promptIds);
      expect(model.tokenizer.decode(golden.sequence).trim()).toBe(golden.greedyText.trim());
    });

    it("residual stream within 1e-4 at every prompt position, logits within 1e-3", async () => {
      const golden = readZooGolden(name);
      const n = golden.promptIds.length;
      const L = model.config.nLayers;
      const d = model.config.dModel;
      const V = model.config.vocabSize;
      const taps = residualTaps(L);
      const result = await model.forward({ inputIds: [golden.sequence.slice(0, n)], taps, logits: true });
      expect([...golden.residual.keys()]).toEqual(Array.from({ length: n }, (_, i) => i));
      let worstResidual = 0;
      for (const [pos, rows] of golden.residual) {
        expect(rows).toHaveLength(L + 1);
        rows.forEach((want, k) => {
          const got = result.taps.get(taps[k]!)![0]!.subarray(pos * d, (pos + 1) * d);
          const err = maxAbsDiff(got, want);
          worstResidual = Math.max(worstResidual, err);
          expect(err, `residual[${pos}][${k}] (${taps[k]})`).toBeLessThan(1e-4);
        });
      }
      expect([...golden.logits.keys()]).toEqual([0, 12, 24]);
      let worstLogit = 0;
      for (const [pos, want] of golden.logits) {
        const err = maxAbsDiff(result.logits![0]!.subarray(pos * V, (pos + 1) * V), want);
        worstLogit = Math.max(worstLogit, err);
        expect(err, `logits[${pos}]`).toBeLessThan(1e-3);
      }
      console.log(`${name} (ONNX): max |residual error| ${worstResidual.toExponential(2)}, max |logit error| ${worstLogit.toExponential(2)}`);

      // The embedding hooks add up to the stream entering block 0.
      const embed = await model.forward({ inputIds: [golden.sequence.slice(0, n)], taps: ["hook_embed", ...(golden.architecture === "gpt2" ? ["hook_pos_embed"] : [])], logits: false });
      const tok = embed.taps.get("hook_embed")![0]!;
      const pos = embed.taps.get("hook_pos_embed")?.[0];
      const sum = pos ? tok.map((x, i) => x + pos[i]!) : tok;
      expect(maxAbsDiff(sum, result.taps.get("blocks.0.hook_resid_pre")![0]!)).toBeLessThan(1e-6);
    });

    it("greedy decoding through the ONNX graph reproduces the golden sequence", async () => {
      const golden = readZooGolden(name);
      const steps = golden.sequence.length - golden.promptIds.length;
      expect(await greedyDecode(hostedNextLogits(model), golden.promptIds, { maxNewTokens: steps })).toEqual(golden.sequence);
    });

    it("the float32 reference path (KV cache) reproduces the golden residuals, logits and sequence", async () => {
      const golden = readZooGolden(name);
      const ref = new ReferenceModel(model.weights, 64);
      let worstResidual = 0;
      let worstLogit = 0;
      for (let pos = 0; pos < golden.residual.size; pos++) {
        const rows = golden.residual.get(pos)!;
        const logits = ref.step(golden.sequence[pos]!, (k, residual) => {
          const err = maxAbsDiff(residual, rows[k]!);
          worstResidual = Math.max(worstResidual, err);
          expect(err, `reference residual[${pos}][${k}]`).toBeLessThan(1e-4);
        });
        const want = golden.logits.get(pos);
        if (want) {
          const err = maxAbsDiff(logits, want);
          worstLogit = Math.max(worstLogit, err);
          expect(err, `reference logits[${pos}]`).toBeLessThan(1e-3);
        }
      }
      console.log(`${name} (reference): max |residual error| ${worstResidual.toExponential(2)}, max |logit error| ${worstLogit.toExponential(2)}`);
      ref.reset();
      const steps = golden.sequence.length - golden.promptIds.length;
      expect(await greedyDecode(referenceNextLogits(ref), golden.promptIds, { maxNewTokens: steps })).toEqual(golden.sequence);
    });
  });
});
