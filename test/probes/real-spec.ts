/** The end-to-end spec on the fixture model (stories260K) with the sentiment pairs. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseProbeDataset, parseProbeSpec, type ProbeSpec } from "../../server/probes/spec";
import { HostedActivationSource } from "../../workers/probes/hosted-activation-source";
import { createHostedModel } from "../../workers/runtime/hosted-model";
import { loadModelWeights } from "../../workers/runtime/load-weights";
import { loadTokenizer } from "../../workers/runtime/tokenizers/load-tokenizer";
import { STORIES_GGUF } from "../runtime/fixtures";

export const FIXTURE_MODEL = STORIES_GGUF;

export function sentimentPairs() {
  const raw: unknown = JSON.parse(readFileSync(path.join(import.meta.dirname, "data/sentiment-pairs.json"), "utf8"));
  const parsed = parseProbeDataset(raw);
  if (!parsed.ok || parsed.spec.kind !== "pairs") throw new Error(`sentiment-pairs.json: ${parsed.ok ? "not pairs" : parsed.errors.join("; ")}`);
  return parsed.spec.pairs;
}

export function realSpec(position: { kind: "last" } | { kind: "mean" } = { kind: "last" }): ProbeSpec {
  const completions = { target: " happy", opposite: " sad" };
  const spec = parseProbeSpec({
    version: 1,
    name: "Sentiment in stories260K",
    data: { kind: "pairs", pairs: sentimentPairs() },
    readout: { position, hooks: ["blocks.{L}.hook_resid_post"], layers: "all" },
    methods: [
      { method: "diffmean" },
      { method: "logistic", l2: 0.01 },
      { method: "dimensionality", inlp: { maxDirections: 12 } },
      { method: "consistency" },
      { method: "crossDomain" },
      {
        method: "steering",
        alphas: [-1, -0.5, 0.5, 1],
        prompts: ["Lily was very", "Tom felt", "The dog was", "Mom was", "Ben looked at the ball and felt", "The little girl was so"],
        completions,
      },
      { method: "ablation", completions, maxPrompts: 40 },
      {
        method: "anchors",
        first: { name: "sunshine and lollipops", prompts: ["The sun was warm and the flowers were pretty.", "Lily ate a sweet lollipop and smiled.", "The birds sang and the sky was blue.", "They played in the sunshine all day."] },
        second: { name: "fear and death", prompts: ["The monster was scary and the night was dark.", "The old dog died and everyone cried.", "Tom was afraid of the big scary wolf.", "The storm was loud and the house was dark."] },
        queries: [
          { text: "Lily got a new toy and laughed.", label: "good" },
          { text: "The cake was yummy.", label: "good" },
          { text: "Tom went to the park.", label: "neutral" },
          { text: "The cat sat on the mat.", label: "neutral" },
          { text: "Sue lost her dog and cried.", label: "bad" },
          { text: "The bear was angry and mean.", label: "bad" },
        ],
      },
      { method: "neuronMap", layer: 2, embedding: "pca", topSnippets: 3, clusters: 6 },
      { method: "neuronMap", layer: 4, embedding: "umap", topSnippets: 3, clusters: 6, umap: { nNeighbors: 10, nEpochs: 100 } },
    ],
    split: { kind: "kfold", k: 5 },
    seed: 7,
  });
  if (!spec.ok) throw new Error(spec.errors.join("\n"));
  return spec.spec;
}

export async function fixtureSource(): Promise<HostedActivationSource> {
  const model = createHostedModel(await loadModelWeights(FIXTURE_MODEL), loadTokenizer(FIXTURE_MODEL), { name: "stories260K" });
  return new HostedActivationSource(model, { batchSize: 64 });
}
