/**
 * The causal demo experiments (spec version 2): steered generation, activation patching, the logit
 * lens and an induction-head scan. They carry their own prompts (no data set) and make no structured
 * claims (claims read per-layer metrics, which these methods do not produce); their run pages show
 * the heatmaps, tables and texts. Published by the demo seed after the version-1 ones (DEMO_EXPERIMENTS). Prompts are written for the TinyStories models: their 512-token
 * vocabulary has few whole-word names (" Lily", " Tim" and " Timmy" are single tokens, " Tom" is
 * "▁T" + "om"), so the patching pairs swap Lily and Tim and keep clean and corrupted the same length.
 */
import { METHOD_TECHNIQUE_SLUGS } from "../../../../server/probes/spec";

export interface CausalDemoExperiment {
  title: string;
  /** Markdown with KaTeX. */
  question: string;
  /** Taxonomy slugs: the METHOD_TECHNIQUE_SLUGS of its methods. */
  techniques: string[];
  /** arXiv ids of the papers it builds on (all in db/seed/data/papers.ts). */
  papers: string[];
  /** A complete version-2 spec without `name` (the title is used) and without data. */
  spec: { version: 2; methods: Array<Record<string, unknown> & { method: keyof typeof METHOD_TECHNIQUE_SLUGS }>; seed: number };
}

const techniquesOf = (...methods: Array<keyof typeof METHOD_TECHNIQUE_SLUGS>) => [...new Set(methods.flatMap((m) => METHOD_TECHNIQUE_SLUGS[m]))];

export const CAUSAL_DEMO_EXPERIMENTS: CausalDemoExperiment[] = [
  {
    title: "Steering stories happy or sad, against a random direction",
    question: `Contrastive activation addition takes the mean difference of activations on two sets of prompts as a steering vector. Here the vector is the mean residual stream after block $\\ell$ at the last token of happy sentences minus sad ones,
$$v_\\ell = \\frac1{|P|}\\sum_{x\\in P} h_\\ell(x) - \\frac1{|N|}\\sum_{x\\in N} h_\\ell(x),$$
added at every position while the model writes a continuation, at strength $\\alpha$ in units of the layer's mean residual norm. Does "Lily was sad because" turn happy? Every steered continuation is shown beside the default one and beside one steered along a **random direction of the same norm** — a perturbation that large may change the text whatever its direction. The shift in $\\log p(\\text{“ happy”}) - \\log p(\\text{“ sad”})$ at the first generated token is compared with the random direction's.

The strengths are small ($\\alpha$ = 0.5 and 1): these models have four to six blocks of width 64–96, and at strengths 4 and 8 every continuation, steered or random, collapses into repeated tokens.`,
    techniques: techniquesOf("steeredGeneration"),
    papers: ["2308.10248", "2312.06681", "2407.12404"],
    spec: {
      version: 2,
      methods: [
        {
          method: "steeredGeneration",
          prompts: ["Lily was sad because", "Tim lost his ball. He felt", "The little girl cried and said", "Once upon a time, there was a sad dog. One day,"],
          direction: {
            kind: "meanDifference",
            positive: [
              "Lily was very happy.",
              "Tim smiled and laughed.",
              "The sun was warm and they had fun.",
              "Mom gave her a big hug and she felt happy.",
              "They played all day and were so glad.",
              "The dog wagged its tail with joy.",
              "Lily loved her new toy.",
              "Everyone at the party was happy.",
            ],
            negative: [
              "Lily was very sad.",
              "Tim cried and cried.",
              "The rain was cold and they were alone.",
              "Mom was angry and she felt sad.",
              "They lost the ball and were so upset.",
              "The dog was hurt and whined.",
              "Lily broke her new toy.",
              "Everyone at home was sad.",
            ],
          },
          layers: [1, 2],
          strengths: [0.5, 1],
          maxNewTokens: 20,
          targetWords: { target: [" happy"], opposite: [" sad"] },
        },
      ],
      seed: 11,
    },
  },
  {
    title: "Where does the model keep the name it will copy? (activation patching)",
    question: `A story model that read "there was a girl named Lily. One day," should go on with " Lily". Activation patching (causal tracing) asks *where* that information sits: run the model on a clean prompt and on a corrupted one that names someone else, then copy one activation of the clean run into the corrupted run and see how much of the answer comes back. With the logit difference $\\mathrm{LD} = \\mathrm{logit}(\\text{answer}) - \\mathrm{logit}(\\text{wrong answer})$ at the last position, each patch scores
$$r = \\frac{\\mathrm{LD}_{\\text{patched}} - \\mathrm{LD}_{\\text{corrupted}}}{\\mathrm{LD}_{\\text{clean}} - \\mathrm{LD}_{\\text{corrupted}}},$$
0 as corrupted, 1 as clean — for the residual stream at every (layer, position) and for each attention head's output.

The classic indirect-object task ("Lily gave the ball to Tim. Tim gave it back to" → " Lily") is too hard for these models: measured with the platform's runtime, the clean logit difference is at or below zero on three of the six. Copying a name seen earlier they do reliably (over these pairs the mean clean logit difference is 2–6 nats and the corrupted one negative, on every model), so the pairs swap " Lily" and " Tim" (and, in two of them, "girl" and "boy" too) — all single tokens, so every prompt has the same 18 tokens and the residual-stream map can average the pairs position by position.`,
    techniques: techniquesOf("activationPatching"),
    papers: ["2202.05262", "2211.00593", "2309.16042", "2404.15255"],
    spec: {
      version: 2,
      methods: [
        {
          method: "activationPatching",
          pairs: [
            { clean: "Once upon a time, there was a girl named Lily. One day,", corrupted: "Once upon a time, there was a girl named Tim. One day,", answer: " Lily", wrongAnswer: " Tim" },
            { clean: "Once upon a time, there was a boy named Tim. One day,", corrupted: "Once upon a time, there was a boy named Lily. One day,", answer: " Tim", wrongAnswer: " Lily" },
            { clean: "Once upon a time, there was a girl named Lily. One day,", corrupted: "Once upon a time, there was a boy named Tim. One day,", answer: " Lily", wrongAnswer: " Tim" },
            { clean: "Once upon a time, there was a boy named Tim. One day,", corrupted: "Once upon a time, there was a girl named Lily. One day,", answer: " Tim", wrongAnswer: " Lily" },
          ],
          components: ["resid", "heads"],
          layers: "all",
        },
      ],
      seed: 12,
    },
  },
  {
    title: "Reading the model's guess layer by layer (logit lens)",
    question: `The logit lens applies the model's final norm and unembedding to the residual stream after every block, $\\operatorname{softmax}(W_U \\operatorname{norm}(h_\\ell))$, as if the model had to answer there. Where in a story model of four to six blocks does " Lily" become the guess after "One day,", and what does each position predict on the way? The table shows the top token at every layer and position (its probability on hover), and the rank and probability of " Lily" at the last position, block by block.`,
    techniques: techniquesOf("logitLens"),
    papers: ["2303.08112", "2304.14767", "2203.14680"],
    spec: {
      version: 2,
      methods: [
        {
          method: "logitLens",
          prompts: ["Once upon a time, there was a girl named Lily. One day,", "Lily had a big red ball. Lily loved to play with her ball. One day,", "Lily went to the park with her mom. At the park,"],
          topK: 5,
          target: " Lily",
        },
      ],
      seed: 13,
    },
  },
  {
    title: "Induction-head scan: which heads copy what came next last time?",
    question: `An induction head attends from a token $A$ to the token that followed the previous occurrence of $A$, and copies it: $[A][B] \\ldots [A] \\to [B]$ (Olsson et al.). On sequences of random tokens repeated twice, its **induction score** — the mean attention from each token of the second copy to the token after its first occurrence — is near 1, while the other heads' are near 0. The scan also gives each head's previous-token score (attention to position $q - 1$, the other half of the induction circuit) and first-token score (attention parked on the first token), and shows the patterns on two story prompts with repeated phrases. Do models this small (four to six blocks, trained on children's stories) form induction heads at all, or only previous-token heads?`,
    techniques: techniquesOf("attentionPatterns"),
    papers: ["2209.11895"],
    spec: {
      version: 2,
      methods: [
        {
          method: "attentionPatterns",
          prompts: ["Lily saw a red bird. Tim saw a blue fish. Lily saw a red bird. Tim saw a blue fish.", "Once upon a time, there was a girl named Lily. One day, Lily went to the park."],
          layers: "all",
          induction: { length: 24, sequences: 8 },
        },
      ],
      seed: 14,
    },
  },
];

/** The spec as published. */
export function causalDemoSpec(experiment: CausalDemoExperiment): Record<string, unknown> {
  return { ...experiment.spec, name: experiment.title };
}
