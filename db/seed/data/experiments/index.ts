/**
 * The five demo experiments published at start-up (server/services/experiments/demo-seed.ts):
 * what each asks, the techniques and papers it builds on, its spec (the data set is filled in
 * with the uploaded data set's id), and its claims. Each claim says whether we expect it to hold
 * on the demo model (stories260K, 5 blocks, d = 64) — checked by
 * test/probes/demo-experiments-real.test.ts — or whether it is what a careful researcher would
 * claim from larger models and may not reproduce on a 260K-parameter one.
 */
import type { z } from "zod";
import type { claimSchema } from "../../../../server/experiments/claims";
import { feelingPromptPairs } from "./feeling-prompt-pairs";
import { goodAndScaryThings } from "./good-and-scary-things";
import { sentimentPairs } from "./sentiment-pairs";
import { sentimentSentences } from "./sentiment-sentences";
import { storyTurnPairs } from "./story-turn-pairs";
import type { DemoDataset } from "./types";

export type DemoClaimInput = z.input<typeof claimSchema>;

export interface DemoClaim {
  claim: DemoClaimInput;
  /** "holds": measured on stories260K and asserted by the real-model test; "may-fail": a claim from larger models. */
  expect: "holds" | "may-fail";
}

export interface DemoExperiment {
  title: string;
  /** Markdown with KaTeX. */
  question: string;
  techniques: string[];
  /** arXiv ids of the papers it builds on (all in db/seed/data/papers.ts). */
  papers: string[];
  dataset: DemoDataset;
  /** Which classes of a labelled data set the binary methods compare. */
  contrast?: { positive: string; negative: string };
  /** The spec without its data (filled in by `demoSpec`). */
  spec: Record<string, unknown>;
  claims: DemoClaim[];
}

/** The spec as published: the data set is referenced by its uploaded id. */
export function demoSpec(experiment: DemoExperiment, datasetId: number): Record<string, unknown> {
  const data = { kind: "dataset", datasetId: String(datasetId), ...(experiment.contrast ? { contrast: experiment.contrast } : {}) };
  return { version: 1, name: experiment.title, data, ...experiment.spec };
}

/** The data set as the JSONL file the seed uploads (one row per line). */
export function demoDatasetJsonl(dataset: DemoDataset): string {
  return dataset.rows.map((row) => `${JSON.stringify(row)}\n`).join("");
}

const residualAllLayers = { position: { kind: "last" }, hooks: ["blocks.{L}.hook_resid_post"], layers: "all" };
const completions = { target: " happy", opposite: " sad" };

export const DEMO_EXPERIMENTS: DemoExperiment[] = [
  {
    title: "Is there a sentiment direction in a tiny story model?",
    question: `Tigges et al. find that sentiment in large language models is carried by a single linear direction. Does a 260K-parameter model trained only on children's stories (TinyStories) have one too?

For each block $\\ell$ we take the residual stream at the last token and the difference of class means
$$v_\\ell = \\mu_\\ell^{\\text{happy}} - \\mu_\\ell^{\\text{sad}},$$
score a held-out sentence by $v_\\ell^\\top h_\\ell(x)$, and compare with an L2 logistic probe. Following Hewitt & Liang, the probe is also trained on a **control task** (shuffled labels): only the *selectivity* (accuracy − control accuracy) says the representation, not the probe, knows the label. Six story domains (park, home, school, toys, animals, food) let us ask whether a direction found in one domain transfers to another.`,
    techniques: ["diffmean", "linear-probing", "control-tasks"],
    papers: ["2310.15154", "2310.06824", "1909.03368", "1610.01644"],
    dataset: sentimentSentences,
    contrast: { positive: "happy", negative: "sad" },
    spec: {
      readout: residualAllLayers,
      methods: [{ method: "diffmean" }, { method: "logistic", l2: 0.01, controlTask: true }, { method: "crossDomain", classifier: "diffmean" }],
      split: { kind: "kfold", k: 5 },
      seed: 1,
    },
    claims: [
      { expect: "holds", claim: { metric: "diffmean.accuracy", where: { kind: "layer", layer: 3 }, comparison: "gte", value: 0.7, note: "Sentiment is linearly readable at the last token of block 3 of 5 (measured 0.76 on stories260K)." } },
      { expect: "holds", claim: { metric: "diffmean.accuracy", where: { kind: "peak" }, comparison: "peaksAt", value: 0.75, tolerance: 0.25, note: "Readability peaks late but not in the last block." } },
      { expect: "holds", claim: { metric: "logistic.selectivity", where: { kind: "layer", layer: 3 }, comparison: "gte", value: 0.2, note: "The probe beats its control task (shuffled labels) by at least 20 points: the representation, not the probe, carries the label." } },
      { expect: "holds", claim: { metric: "logistic.controlAccuracy", where: { kind: "layer", layer: 3 }, comparison: "approx", value: 0.5, tolerance: 0.1, note: "On shuffled labels the probe is at chance." } },
      { expect: "holds", claim: { metric: "crossDomain.meanTransferAccuracy", where: { kind: "layer", layer: 3 }, comparison: "gte", value: 0.65, note: "A direction found in one domain (e.g. toys) classifies another (e.g. food)." } },
      { expect: "may-fail", claim: { metric: "diffmean.accuracy", where: { kind: "peak" }, comparison: "gte", value: 0.9, note: "Tigges et al. separate sentiment almost perfectly in larger models; a 260K-parameter model may not (measured 0.76)." } },
      { expect: "may-fail", claim: { metric: "diffmean.accuracy", where: { kind: "layer", layer: 4 }, comparison: "gte", value: 0.7, note: "Alain & Bengio find separability rising monotonically with depth; here the last block reads worse than block 3 (measured 0.61)." } },
    ],
  },
  {
    title: "Sentiment: one direction or a subspace?",
    question: `If sentiment is one direction, the happy − sad differences $d_i = h(x_i^+) - h(x_i^-)$ should vary along few axes, and removing a single direction should make sentiment linearly undecodable.

Two views of the same pairs: **PCA** of the centred differences (how many components $k$ explain 80 % of $\\operatorname{Var}(d)$, and the participation ratio $\\mathrm{PR} = (\\sum_j \\lambda_j)^2 / \\sum_j \\lambda_j^2$), and **INLP** (Ravfogel et al.): fit a linear probe, project its direction out with $P = I - ww^\\top/\\lVert w\\rVert^2$, refit, and count the directions removed until held-out accuracy falls to chance. A large $k$ with a small INLP count would mean the differences are noisy in many directions but the *decodable* part is low-dimensional.`,
    techniques: ["inlp", "diffmean", "concept-cones"],
    papers: ["2004.07667", "2310.15154", "2502.17420"],
    dataset: sentimentPairs,
    spec: {
      readout: residualAllLayers,
      methods: [{ method: "dimensionality", center: true, components: 5, inlp: { enabled: true, maxDirections: 20, l2: 0.01, chanceSigmas: 2 } }, { method: "diffmean" }],
      split: { kind: "kfold", k: 5 },
      seed: 2,
    },
    claims: [
      { expect: "holds", claim: { metric: "dimensionality.inlpCount", where: { kind: "relativeDepth", from: 0.75, to: 1 }, comparison: "lte", value: 1, note: "Sentiment is one direction for a linear reader: removing one INLP direction brings held-out accuracy to chance." } },
      { expect: "holds", claim: { metric: "dimensionality.inlpCount", where: { kind: "layer", layer: 3 }, comparison: "gte", value: 1, note: "…and there is a direction to remove (the first probe is above chance)." } },
      { expect: "holds", claim: { metric: "dimensionality.components80", where: { kind: "layer", layer: 3 }, comparison: "gte", value: 5, note: "The pair differences themselves spread over many components (measured 12 for 80 % of the variance): most of their variance is not sentiment." } },
      { expect: "holds", claim: { metric: "dimensionality.participationRatio", where: { kind: "layer", layer: 3 }, comparison: "gte", value: 5, note: "Participation ratio well above 1 (measured 12)." } },
      { expect: "may-fail", claim: { metric: "dimensionality.components80", where: { kind: "layer", layer: 3 }, comparison: "lte", value: 2, note: "If sentiment were one direction in the variance too, two components would explain 80 % of the differences." } },
    ],
  },
  {
    title: "Do story pairs agree on one direction, and at which depth? (the CAA inverted U)",
    question: `Contrastive activation addition builds a steering vector from the mean of pair differences $\\bar d_\\ell = \\frac1n \\sum_i d_{i,\\ell}$. It only makes sense if the pairs agree. Rimsky et al. plot how the agreement changes with depth and see it rise and then fall — an *inverted U*.

We measure, at each block $\\ell$, the mean leave-one-out cosine
$$\\overline{\\cos}_\\ell = \\frac1n \\sum_i \\cos\\big(d_{i,\\ell},\\ \\bar d_{-i,\\ell}\\big)$$
on two-sentence stories that share their opening and turn good or bad, and the fraction of pairs whose difference points the same way as the rest.`,
    techniques: ["contrastive-activation-addition", "diffmean"],
    papers: ["2312.06681", "2407.12404"],
    dataset: storyTurnPairs,
    spec: {
      readout: residualAllLayers,
      methods: [{ method: "consistency", leaveOneOut: true }, { method: "diffmean" }],
      split: { kind: "kfold", k: 5 },
      seed: 3,
    },
    claims: [
      { expect: "holds", claim: { metric: "consistency.meanCosine", where: { kind: "relativeDepth", from: 0.75, to: 1 }, comparison: "gte", value: 0.18, note: "In the last two blocks each pair's difference points along the mean of the others (measured 0.22–0.23)." } },
      { expect: "holds", claim: { metric: "consistency.fractionPositive", where: { kind: "relativeDepth", from: 0.75, to: 1 }, comparison: "gte", value: 0.75, note: "More than three pairs in four agree in sign with the rest." } },
      { expect: "holds", claim: { metric: "consistency.meanCosine", where: { kind: "relativeDepth", from: 0, to: 0.5 }, comparison: "lte", value: 0.2, note: "Early blocks agree less: the pairs' differences are mostly about the words that differ." } },
      { expect: "may-fail", claim: { metric: "consistency.meanCosine", where: { kind: "peak" }, comparison: "peaksAt", value: 0.5, tolerance: 0.2, note: "CAA's inverted U: agreement peaks in the middle blocks and falls towards the output. On stories260K it keeps rising to the last block." } },
    ],
  },
  {
    title: "Concept anchors: where do abstract words fall between nice and scary?",
    question: `Take two anchor sets — nice things (*sunshine*, *candy*, a *hug*) and scary things (*scared*, the *dark*, a *monster*) — and the axis between their mean activations $\\mu_1$ and $\\mu_2$. A query $q$ is placed at
$$t(q) = \\frac{(h(q) - \\mu_1)^\\top(\\mu_2 - \\mu_1)}{\\lVert \\mu_2 - \\mu_1 \\rVert^2},$$
so $t = 0$ is "nice", $t = 1$ is "scary". Where do short sentences about *love*, a *friend*, being *lonely*, a *storm* or *school* fall, and from which block on does the axis mean anything? As a check, each anchor is placed by the axis of the others (leave-one-out), and a difference-in-means probe on 120 labelled sentences says whether nice vs scary is linearly readable at all.`,
    techniques: ["representation-engineering", "concept-activation-vectors", "diffmean"],
    papers: ["2310.01405", "1711.11279"],
    dataset: goodAndScaryThings,
    contrast: { positive: "nice", negative: "scary" },
    spec: {
      readout: residualAllLayers,
      methods: [
        { method: "diffmean" },
        {
          method: "anchors",
          first: {
            name: "sunshine, candy, hug",
            prompts: [
              "Lily played in the warm sunshine.",
              "The sunshine was bright and warm.",
              "Ben sat in the sunshine and sang.",
              "Tom ate a sweet candy.",
              "Sue got a bag of candy.",
              "The candy was pink and sweet.",
              "Mom gave Ben a big hug.",
              "Mia gave her dog a hug.",
              "Dad gave Lily a warm hug.",
            ],
          },
          second: {
            name: "scared, dark, monster",
            prompts: [
              "Lily was scared of the noise.",
              "Tom felt scared and alone.",
              "Mia was scared of the storm.",
              "The room was dark and cold.",
              "Sue did not like the dark.",
              "The woods were dark at night.",
              "A big monster came out.",
              "Ben saw a monster in the woods.",
              "The monster had big teeth.",
            ],
          },
          queries: [
            { text: "Lily felt love for her mom.", label: "nice" },
            { text: "Tom had a good friend.", label: "nice" },
            { text: "Sue got a gift.", label: "nice" },
            { text: "Ben got a new puppy.", label: "nice" },
            { text: "Mia was kind to the bird.", label: "nice" },
            { text: "They went to a party.", label: "nice" },
            { text: "Tom went to school.", label: "neutral" },
            { text: "Lily sat on a chair.", label: "neutral" },
            { text: "It was raining.", label: "neutral" },
            { text: "They went for a walk.", label: "neutral" },
            { text: "Ben was lonely.", label: "scary" },
            { text: "A storm came.", label: "scary" },
            { text: "A wolf was in the woods.", label: "scary" },
            { text: "Sue was sick in bed.", label: "scary" },
            { text: "Dad was angry.", label: "scary" },
            { text: "Mia saw a ghost.", label: "scary" },
          ],
        },
      ],
      split: { kind: "kfold", k: 5 },
      seed: 4,
    },
    claims: [
      { expect: "holds", claim: { metric: "anchors.firstAnchorsMean", where: { kind: "relativeDepth", from: 0.5, to: 0.75 }, comparison: "lte", value: 0.35, note: "In blocks 2–3 each nice anchor, placed by the axis of the others, lands near 0 (measured 0.10 and 0.28)." } },
      { expect: "holds", claim: { metric: "anchors.secondAnchorsMean", where: { kind: "relativeDepth", from: 0.5, to: 0.75 }, comparison: "gte", value: 0.65, note: "…and each scary anchor near 1 (measured 0.87 and 0.75)." } },
      { expect: "holds", claim: { metric: "diffmean.accuracy", where: { kind: "layer", layer: 3 }, comparison: "gte", value: 0.65, note: "Nice vs scary sentences are linearly readable in block 3 (measured 0.71)." } },
      { expect: "may-fail", claim: { metric: "anchors.secondAnchorsMean", where: { kind: "layer", layer: 4 }, comparison: "gte", value: 0.65, note: "One would expect the axis to be clearest in the last block; on stories260K the leave-one-out anchors blur there (measured 0.37)." } },
    ],
  },
  {
    title: "Steering and ablating the sentiment direction",
    question: `A direction that a probe can read is not necessarily one the model *uses*. We take the mean happy − sad difference $v_\\ell$ at block $\\ell$ (as in CAA) and intervene on unfinished sentences such as "… and she felt":

- **steering**: add $\\alpha \\cdot \\hat v_\\ell \\cdot \\overline{\\lVert h_\\ell \\rVert}$ after block $\\ell$ and measure the change in $\\log p(\\text{“ happy”}) - \\log p(\\text{“ sad”})$ on the sad prompts;
- **directional ablation** (Arditi et al.): project $\\hat v_\\ell$ out of the residual stream after every block, $h \\leftarrow h - \\hat v \\hat v^\\top h$, and measure how much of the happy-vs-sad gap in that log-odds is lost.

If the direction is causal, the effect grows with $\\alpha$ and ablation removes much of the gap.`,
    techniques: ["contrastive-activation-addition", "activation-addition", "directional-ablation", "diffmean"],
    papers: ["2312.06681", "2308.10248", "2406.11717", "2310.15154"],
    dataset: feelingPromptPairs,
    spec: {
      readout: residualAllLayers,
      methods: [
        { method: "diffmean" },
        { method: "steering", layers: "all", alphas: [-1, -0.5, 0.5, 1], maxPrompts: 16, completions },
        { method: "ablation", layers: "all", maxPrompts: 32, completions },
      ],
      split: { kind: "kfold", k: 5 },
      seed: 5,
    },
    claims: [
      { expect: "holds", claim: { metric: "steering.slope", where: { kind: "relativeDepth", from: 0.25, to: 1 }, comparison: "gte", value: 2, note: "From block 1 on, adding the direction raises log p(\" happy\") − log p(\" sad\") by at least 2 nats per unit α." } },
      { expect: "holds", claim: { metric: "steering.slope", where: { kind: "peak" }, comparison: "peaksAt", value: 0.75, tolerance: 0.25, note: "Steering works best late (measured peak in block 3, about 9 nats per α)." } },
      { expect: "holds", claim: { metric: "ablation.relativeDrop", where: { kind: "relativeDepth", from: 0.75, to: 1 }, comparison: "gte", value: 0.5, note: "Ablating the late direction removes more than half of the happy-vs-sad gap in log-odds." } },
      { expect: "holds", claim: { metric: "ablation.relativeDrop", where: { kind: "relativeDepth", from: 0, to: 0.5 }, comparison: "lte", value: 0.3, note: "Ablating an early block's direction leaves most of the gap: the model does not use it yet." } },
      { expect: "may-fail", claim: { metric: "diffmean.accuracy", where: { kind: "peak" }, comparison: "gte", value: 0.8, note: "A direction that steers this well should also be easy to read on these prompts; on unfinished sentences it is not (measured 0.60)." } },
    ],
  },
];
