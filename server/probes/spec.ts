/**
 * The probe experiment spec: one versioned, declarative JSON schema shared by the web app (form
 * validation), the API (job submission) and the workers (execution). Workers never run user code;
 * everything an experiment does is described here.
 *
 * This file must not import from workers/ or app/: the web app bundles it.
 */
import { z } from "zod";

/** The version of specs that read a data set only (what new drafts start from). */
export const PROBE_SPEC_VERSION = 1;
/** Version 2 adds the causal methods (steeredGeneration, activationPatching, logitLens, attentionPatterns). */
export const LATEST_PROBE_SPEC_VERSION = 2;

/** Limits checked when a spec is parsed (and, for those that need the model, by `checkRuntimeLimits`). */
export const PROBE_LIMITS = {
  /** Prompts read from the model for the main data set (a contrastive pair counts as two). */
  maxExamples: 4000,
  /** Characters in one prompt, completion or anchor. */
  maxPromptChars: 2000,
  /** Tokens in one prompt (checked by the worker, which knows the tokenizer); also capped by the model's context. */
  maxPromptTokens: 512,
  minExamplesPerClass: 2,
  maxClasses: 64,
  maxLabelChars: 100,
  maxDomains: 16,
  maxHooks: 8,
  maxMethods: 16,
  /** Layers × hooks × methods. */
  maxLayerMethodCells: 2048,
  maxFolds: 20,
  maxInlpDirections: 64,
  maxAlphas: 16,
  maxSteeringPrompts: 256,
  /** Forward passes a steering or ablation method may request (layers × alphas × prompts × completions). */
  maxInterventionForwards: 50_000,
  maxAnchorPrompts: 500,
  maxQueries: 500,
  maxTopSnippets: 50,
  maxVectorLength: 65_536,
  maxLayerIndex: 1023,
  maxComponents: 16,
  /** Tokens in one prompt of a causal method (v2), checked by the worker. */
  maxCausalPromptTokens: 128,
  maxGenerationPrompts: 16,
  maxDirectionPrompts: 64,
  maxSteeredLayers: 8,
  maxStrengths: 8,
  maxNewTokens: 64,
  maxTargetWords: 8,
  maxPatchingPairs: 32,
  maxLensPrompts: 8,
  maxLensTopK: 20,
  maxPatternPrompts: 8,
  maxInductionLength: 128,
  maxInductionSequences: 32,
} as const;

/** Hook templates a read-out may name; `{L}` is replaced by each selected layer. */
export const HOOK_TEMPLATES = [
  "blocks.{L}.hook_resid_pre",
  "blocks.{L}.hook_resid_post",
  "blocks.{L}.hook_attn_out",
  "blocks.{L}.hook_mlp_out",
  "blocks.{L}.mlp.hook_post",
] as const;
export const DEFAULT_HOOK = "blocks.{L}.hook_resid_post";
export const DEFAULT_NEURON_HOOK = "blocks.{L}.mlp.hook_post";

const L = PROBE_LIMITS;

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "string") return value.length > 40 ? `text "${value.slice(0, 37)}..."` : `text "${value}"`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/** A non-empty prompt of at most maxPromptChars characters. */
function promptText(what = "prompt") {
  return z
    .string({
      error: (iss) =>
        iss.input === undefined
          ? `${what} is missing — give the text of the ${what}`
          : `${what} must be text, got ${describe(iss.input)} — put the ${what} in quotes`,
    })
    .refine((s) => s.trim().length > 0, { error: `${what} is empty — give the text of the ${what}` })
    .refine((s) => s.length <= L.maxPromptChars, {
      error: (iss) =>
        `${what} is ${String((iss.input as string).length)} characters; the limit is ${L.maxPromptChars} — shorten it`,
    });
}

function labelText(what = "label") {
  return z
    .string({ error: (iss) => `${what} must be text, got ${describe(iss.input)} — use a short name such as "positive"` })
    .refine((s) => s.trim().length > 0, { error: `${what} is empty — give a class name such as "positive"` })
    .refine((s) => s.length <= L.maxLabelChars, { error: `${what} is longer than ${L.maxLabelChars} characters — use a short name` });
}

function finiteNumber(what: string) {
  return z.number({
    error: (iss) =>
      iss.input === undefined
        ? `${what} is missing — give a number`
        : `${what} must be a finite number, got ${describe(iss.input)} — replace it with a real number`,
  });
}

function intIn(what: string, min: number, max: number) {
  return z
    .number({ error: (iss) => `${what} must be a whole number, got ${describe(iss.input)}` })
    .int({ error: (iss) => `${what} must be a whole number, got ${describe(iss.input)}` })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(max, { error: `${what} must be at most ${max}` });
}

const domainTag = labelText("domain tag");

export const labelledExampleSchema = z.strictObject({
  text: promptText("prompt"),
  label: labelText("label"),
  domain: domainTag.optional(),
});

export const contrastivePairSchema = z.strictObject({
  positive: promptText("prompt"),
  negative: promptText("prompt"),
  domain: domainTag.optional(),
});

/** Which two classes of a labelled data set the binary methods compare. */
export const contrastSchema = z.strictObject({
  positive: labelText("contrast.positive"),
  /** A class name, or "rest" for every other class. */
  negative: labelText("contrast.negative"),
});

const examplesArray = z
  .array(labelledExampleSchema, { error: (iss) => `examples must be a list of {text, label}, got ${describe(iss.input)}` })
  .min(2, { error: "give at least two examples (two classes or more)" })
  .max(L.maxExamples, { error: `more than ${L.maxExamples} examples — split the data set or sample from it` });

const pairsArray = z
  .array(contrastivePairSchema, { error: (iss) => `pairs must be a list of {positive, negative}, got ${describe(iss.input)}` })
  .min(L.minExamplesPerClass, { error: `give at least ${L.minExamplesPerClass} contrastive pairs` })
  .max(L.maxExamples / 2, { error: `more than ${L.maxExamples / 2} pairs — split the data set or sample from it` });

/** An uploaded data set: what a data set reference resolves to. */
export const probeDatasetSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("labelled"), description: z.string().max(5000).optional(), examples: examplesArray }),
    z.strictObject({ kind: z.literal("pairs"), description: z.string().max(5000).optional(), pairs: pairsArray }),
  ],
  { error: (iss) => `must be "labelled" or "pairs", got ${describe((iss.input as { kind?: unknown } | undefined)?.kind)}` },
);

const dataSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("labelled"), examples: examplesArray, contrast: contrastSchema.optional() }),
    z.strictObject({ kind: z.literal("pairs"), pairs: pairsArray }),
    z.strictObject({
      kind: z.literal("dataset"),
      datasetId: z.string({ error: "datasetId must be the id of an uploaded data set" }).min(1, { error: "datasetId is empty — give the id of an uploaded data set" }).max(200),
      contrast: contrastSchema.optional(),
    }),
  ],
  {
    error: (iss) =>
      `must be "labelled" (prompts with labels), "pairs" (contrastive pairs) or "dataset" (an uploaded data set), got ${describe((iss.input as { kind?: unknown } | undefined)?.kind)}`,
  },
);

const positionSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("last") }),
    z.strictObject({ kind: z.literal("mean") }),
    z.strictObject({
      kind: z.literal("marker"),
      /** Text that occurs in every prompt; the read-out is the token covering it. */
      marker: promptText("marker"),
      occurrence: z.enum(["first", "last"]).default("first"),
      /** When the marker spans several tokens, read the first or the last of them. */
      token: z.enum(["first", "last"]).default("last"),
    }),
  ],
  { error: `must be "last", "mean" or "marker"` },
);

const hookTemplateSchema = z.string({ error: "a hook must be text such as \"blocks.{L}.hook_resid_post\"" }).refine(
  (h) => (HOOK_TEMPLATES as readonly string[]).includes(h),
  { error: (iss) => `"${String(iss.input)}" is not a hook template — use one of ${HOOK_TEMPLATES.map((h) => `"${h}"`).join(", ")}` },
);

const layerIndex = intIn("layer", 0, L.maxLayerIndex);

const layerSelectionSchema = z.union(
  [
    z.literal("all"),
    z.array(layerIndex).min(1, { error: "list at least one layer, or use \"all\"" }).max(L.maxLayerIndex + 1),
    z.strictObject({ from: layerIndex, to: layerIndex, step: intIn("step", 1, 1024).default(1) }).refine((r) => r.to >= r.from, {
      error: "layers.to must be at least layers.from",
    }),
  ],
  { error: 'layers must be "all", a list of layer numbers such as [0, 2, 4], or {from, to, step}' },
);

export const readoutSchema = z.strictObject({
  position: positionSchema.default({ kind: "last" }),
  hooks: z
    .array(hookTemplateSchema)
    .min(1, { error: "list at least one hook, e.g. \"blocks.{L}.hook_resid_post\"" })
    .max(L.maxHooks, { error: `at most ${L.maxHooks} hooks` })
    .default([DEFAULT_HOOK]),
  layers: layerSelectionSchema.default("all"),
});

const l2Schema = finiteNumber("l2").positive({ error: "l2 must be positive (e.g. 0.01)" }).max(1e6).default(1e-2);

const completionsSchema = z.strictObject({
  /** Completion whose log-probability should rise when steering towards the positive class, e.g. " happy". */
  target: promptText("completion"),
  /** Its opposite, e.g. " sad". */
  opposite: promptText("completion"),
});

const vectorSchema = z
  .array(finiteNumber("vector entry"), { error: "vector must be a list of numbers" })
  .min(1)
  .max(L.maxVectorLength, { error: `vector longer than ${L.maxVectorLength}` });

const steeringLayers = z.union([z.literal("all"), z.array(layerIndex).min(1).max(L.maxLayerIndex + 1)], {
  error: 'layers must be "all" or a list of layer numbers',
});

export const diffmeanParamsSchema = z.strictObject({ method: z.literal("diffmean") });

export const logisticParamsSchema = z.strictObject({
  method: z.literal("logistic"),
  l2: l2Schema,
  /** Also fit on shuffled labels (the control task) and report selectivity = accuracy − control accuracy. */
  controlTask: z.boolean().default(true),
  maxIterations: intIn("maxIterations", 10, 5000).default(500),
});

export const dimensionalityParamsSchema = z.strictObject({
  method: z.literal("dimensionality"),
  /** Centre the differences before PCA (variance, the default); false analyses the second moment about zero. */
  center: z.boolean().default(true),
  /** Leading components kept as artifacts. */
  components: intIn("components", 0, L.maxComponents).default(3),
  inlp: z
    .strictObject({
      enabled: z.boolean().default(true),
      maxDirections: intIn("inlp.maxDirections", 1, L.maxInlpDirections).default(20),
      l2: l2Schema,
      /** Held-out accuracy counts as chance when within this many binomial standard errors of the majority rate. */
      chanceSigmas: finiteNumber("inlp.chanceSigmas").min(0).max(10).default(2),
    })
    .default({ enabled: true, maxDirections: 20, l2: 1e-2, chanceSigmas: 2 }),
});

export const consistencyParamsSchema = z.strictObject({
  method: z.literal("consistency"),
  /** Compare each difference with the mean of the others (no self-agreement bias). */
  leaveOneOut: z.boolean().default(true),
});

export const crossDomainParamsSchema = z.strictObject({
  method: z.literal("crossDomain"),
  classifier: z.enum(["diffmean", "logistic"]).default("diffmean"),
  l2: l2Schema,
});

export const steeringParamsSchema = z.strictObject({
  method: z.literal("steering"),
  layers: steeringLayers.default("all"),
  alphas: z
    .array(finiteNumber("alpha"))
    .min(1)
    .max(L.maxAlphas, { error: `at most ${L.maxAlphas} alphas` })
    .default([-2, -1, -0.5, 0.5, 1, 2]),
  /** Prompts to steer; by default the negative examples of the data (up to maxPrompts). */
  prompts: z.array(promptText("prompt")).min(1).max(L.maxSteeringPrompts).optional(),
  maxPrompts: intIn("maxPrompts", 1, L.maxSteeringPrompts).default(16),
  /** When given, the effect is the change in log p(target) − log p(opposite); otherwise the final-layer projection. */
  completions: completionsSchema.optional(),
  /** A fixed direction of length d_model instead of the per-layer mean difference. */
  vector: vectorSchema.optional(),
});

export const ablationParamsSchema = z.strictObject({
  method: z.literal("ablation"),
  /** Layers whose mean-difference direction is ablated (each separately, at every block). */
  layers: steeringLayers.default("all"),
  prompts: z.array(promptText("prompt")).min(1).max(L.maxSteeringPrompts).optional(),
  maxPrompts: intIn("maxPrompts", 2, L.maxSteeringPrompts).default(32),
  completions: completionsSchema.optional(),
  vector: vectorSchema.optional(),
});

const anchorSetSchema = z.strictObject({
  name: labelText("anchor name"),
  prompts: z.array(promptText("prompt")).min(1, { error: "give at least one anchor prompt" }).max(L.maxAnchorPrompts),
});

export const anchorsParamsSchema = z.strictObject({
  method: z.literal("anchors"),
  /** Position 0 on the axis, e.g. "sunshine and lollipops". */
  first: anchorSetSchema,
  /** Position 1 on the axis, e.g. "fear and death". */
  second: anchorSetSchema,
  queries: z
    .array(z.strictObject({ text: promptText("query"), label: labelText("query label").optional() }))
    .min(1, { error: "give at least one query prompt" })
    .max(L.maxQueries),
});

export const neuronMapParamsSchema = z.strictObject({
  method: z.literal("neuronMap"),
  layer: layerIndex,
  hook: hookTemplateSchema.default(DEFAULT_NEURON_HOOK),
  embedding: z.enum(["pca", "umap"]).default("pca"),
  umap: z
    .strictObject({
      nNeighbors: intIn("umap.nNeighbors", 2, 200).default(15),
      minDist: finiteNumber("umap.minDist").min(0).max(1).default(0.1),
      nEpochs: intIn("umap.nEpochs", 10, 2000).default(200),
    })
    .default({ nNeighbors: 15, minDist: 0.1, nEpochs: 200 }),
  topSnippets: intIn("topSnippets", 1, L.maxTopSnippets).default(5),
  /** Characters of context either side of the top-activating token. */
  snippetChars: intIn("snippetChars", 0, 500).default(40),
  clusters: intIn("clusters", 1, 64).default(8),
});

// ---- Causal methods (spec version 2). Each carries its own prompts. ----

/** A list of prompts with a size check that names the method's field. */
function promptList(what: string, min: number, max: number) {
  return z
    .array(promptText("prompt"), { error: (iss) => `${what} must be a list of prompts (text), got ${describe(iss.input)}` })
    .min(min, { error: `give at least ${min} prompt${min === 1 ? "" : "s"}` })
    .max(max, { error: `at most ${max} prompts — remove some` });
}

/** Explicit block indices (no "all"): each at most once. */
function layerList(what: string, max: number) {
  return z
    .array(layerIndex, { error: (iss) => `${what} must be a list of layer numbers such as [1, 2], got ${describe(iss.input)}` })
    .min(1, { error: "list at least one layer" })
    .max(max, { error: `at most ${max} layers — steer fewer at once` })
    .refine((ls) => new Set(ls).size === ls.length, { error: "a layer is listed twice — keep each once" });
}

const causalLayers = z.union([z.literal("all"), z.array(layerIndex).min(1, { error: "list at least one layer, or use \"all\"" }).max(L.maxLayerIndex + 1)], {
  error: 'layers must be "all" or a list of layer numbers such as [0, 2]',
});

const steeringDirectionSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({
      kind: z.literal("meanDifference"),
      /** Prompts with the concept; the direction is the mean resid_post at their last token minus the negatives'. */
      positive: promptList("direction.positive", 1, L.maxDirectionPrompts),
      negative: promptList("direction.negative", 1, L.maxDirectionPrompts),
    }),
    z.strictObject({
      kind: z.literal("artifact"),
      /** A finished run whose diffmean direction is used. */
      runId: intIn("direction.runId", 1, 2 ** 31 - 1),
      /** The run's layer to take the direction from (default: each steered layer's own). */
      layer: layerIndex.optional(),
    }),
    z.strictObject({ kind: z.literal("data") }),
  ],
  {
    error: (iss) =>
      `direction.kind must be "meanDifference" (two prompt sets), "artifact" (a run's diffmean direction) or "data" (the spec's data), got ${describe((iss.input as { kind?: unknown } | undefined)?.kind)}`,
  },
);

export const steeredGenerationParamsSchema = z.strictObject({
  method: z.literal("steeredGeneration"),
  prompts: promptList("prompts", 1, L.maxGenerationPrompts),
  direction: steeringDirectionSchema,
  layers: layerList("layers", L.maxSteeredLayers),
  /** Multiples of the mean residual norm at the layer (like steering's α); on the story models 4 and above collapse every continuation. */
  strengths: z
    .array(finiteNumber("strength").min(-1e4, { error: "strengths beyond ±10000 — use values such as 0.5 or 1" }).max(1e4, { error: "strengths beyond ±10000 — use values such as 0.5 or 1" }), {
      error: (iss) => `strengths must be a list of numbers such as [0.5, 1], got ${describe(iss.input)}`,
    })
    .min(1, { error: "give at least one strength" })
    .max(L.maxStrengths, { error: `at most ${L.maxStrengths} strengths` })
    .default([0.5, 1]),
  maxNewTokens: intIn("maxNewTokens", 1, L.maxNewTokens).default(24),
  /** Absent: greedy decoding. The sampling seed is the spec's seed. */
  sampling: z
    .strictObject({
      temperature: finiteNumber("sampling.temperature").min(0, { error: "sampling.temperature must be at least 0" }).max(2, { error: "sampling.temperature must be at most 2" }),
      topP: finiteNumber("sampling.topP").gt(0, { error: "sampling.topP must be above 0" }).max(1, { error: "sampling.topP must be at most 1" }).default(1),
    })
    .optional(),
  /** Words whose log-probability shift (target − opposite, first generated position) is reported. */
  targetWords: z
    .strictObject({
      target: z.array(promptText("target word")).min(1, { error: "give at least one word" }).max(L.maxTargetWords, { error: `at most ${L.maxTargetWords} words` }),
      opposite: z.array(promptText("opposite word")).max(L.maxTargetWords, { error: `at most ${L.maxTargetWords} words` }).optional(),
    })
    .optional(),
});

export const activationPatchingParamsSchema = z.strictObject({
  method: z.literal("activationPatching"),
  pairs: z
    .array(
      z.strictObject({
        clean: promptText("clean prompt"),
        corrupted: promptText("corrupted prompt"),
        /** The clean prompt's answer, e.g. " Lily" (its first token is scored). */
        answer: promptText("answer"),
        wrongAnswer: promptText("wrong answer"),
      }),
      { error: (iss) => `pairs must be a list of {clean, corrupted, answer, wrongAnswer}, got ${describe(iss.input)}` },
    )
    .min(1, { error: "give at least one clean/corrupted pair" })
    .max(L.maxPatchingPairs, { error: `at most ${L.maxPatchingPairs} pairs — remove some` }),
  components: z
    .array(z.enum(["resid", "heads"], { error: (iss) => `a component must be "resid" or "heads", got ${describe(iss.input)}` }))
    .min(1, { error: 'list "resid", "heads" or both' })
    .max(2)
    .refine((c) => new Set(c).size === c.length, { error: "a component is listed twice — keep each once" })
    .default(["resid", "heads"]),
  layers: causalLayers.default("all"),
});

export const logitLensParamsSchema = z.strictObject({
  method: z.literal("logitLens"),
  prompts: promptList("prompts", 1, L.maxLensPrompts),
  topK: intIn("topK", 1, L.maxLensTopK).default(5),
  /** A token whose rank and probability at the last position are followed layer by layer (its first token). */
  target: promptText("target").optional(),
});

export const attentionPatternsParamsSchema = z.strictObject({
  method: z.literal("attentionPatterns"),
  prompts: promptList("prompts", 0, L.maxPatternPrompts).default([]),
  layers: causalLayers.default("all"),
  /** Repeated random tokens for the induction score: `sequences` runs of `length` tokens, each seen twice. */
  induction: z
    .strictObject({
      length: intIn("induction.length", 4, L.maxInductionLength).default(24),
      sequences: intIn("induction.sequences", 1, L.maxInductionSequences).default(8),
    })
    .default({ length: 24, sequences: 8 }),
});

/** Methods that carry their own prompts and need the model itself (spec version 2). */
export const CAUSAL_METHODS: ReadonlySet<string> = new Set(["steeredGeneration", "activationPatching", "logitLens", "attentionPatterns"]);

/** Taxonomy slugs each causal method exercises (the experiment form suggests them; the seed links them). */
export const METHOD_TECHNIQUE_SLUGS = {
  steeredGeneration: ["activation-addition", "contrastive-activation-addition", "steering"],
  activationPatching: ["activation-patching", "causal-tracing"],
  logitLens: ["logit-lens"],
  attentionPatterns: ["induction-heads", "qk-ov-circuit-analysis"],
} as const satisfies Record<string, readonly string[]>;

const METHOD_NAMES = [
  "diffmean",
  "logistic",
  "dimensionality",
  "consistency",
  "crossDomain",
  "steering",
  "ablation",
  "anchors",
  "neuronMap",
  "steeredGeneration",
  "activationPatching",
  "logitLens",
  "attentionPatterns",
];

export const methodSchema = z.discriminatedUnion(
  "method",
  [
    diffmeanParamsSchema,
    logisticParamsSchema,
    dimensionalityParamsSchema,
    consistencyParamsSchema,
    crossDomainParamsSchema,
    steeringParamsSchema,
    ablationParamsSchema,
    anchorsParamsSchema,
    neuronMapParamsSchema,
    steeredGenerationParamsSchema,
    activationPatchingParamsSchema,
    logitLensParamsSchema,
    attentionPatternsParamsSchema,
  ],
  {
    error: (iss) =>
      `unknown method ${JSON.stringify((iss.input as { method?: unknown } | undefined)?.method) ?? "(missing)"} — use one of ${METHOD_NAMES.map((m) => `"${m}"`).join(", ")}`,
  },
);

export const splitSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({
      kind: z.literal("fraction"),
      trainFraction: finiteNumber("trainFraction").min(0.1, { error: "trainFraction must be at least 0.1" }).max(0.95, { error: "trainFraction must be at most 0.95" }).default(0.8),
    }),
    z.strictObject({ kind: z.literal("kfold"), k: intIn("k", 2, L.maxFolds).default(5) }),
  ],
  { error: 'must be "fraction" (with trainFraction) or "kfold" (with k)' },
);

const probeSpecObject = z.strictObject({
  version: z.literal([PROBE_SPEC_VERSION, LATEST_PROBE_SPEC_VERSION], {
    error: (iss) =>
      `this engine reads version ${PROBE_SPEC_VERSION} and ${LATEST_PROBE_SPEC_VERSION} specs, got ${describe(iss.input)} — set "version": ${PROBE_SPEC_VERSION} (or ${LATEST_PROBE_SPEC_VERSION} for steeredGeneration, activationPatching, logitLens, attentionPatterns)`,
  }),
  name: z.string().max(200).optional(),
  /** Required in version 1; in version 2 it may be left out when every method is a causal one. */
  data: dataSchema.optional(),
  readout: readoutSchema.default({ position: { kind: "last" }, hooks: [DEFAULT_HOOK], layers: "all" }),
  methods: z
    .array(methodSchema, { error: "methods must be a list such as [{\"method\": \"diffmean\"}]" })
    .min(1, { error: "choose at least one method, e.g. {\"method\": \"diffmean\"}" })
    .max(L.maxMethods, { error: `at most ${L.maxMethods} methods` }),
  split: splitSchema.default({ kind: "kfold", k: 5 }),
  seed: intIn("seed", 0, 2 ** 32 - 1).default(0),
});

type SpecObject = z.output<typeof probeSpecObject>;

export const probeSpecSchema = probeSpecObject.superRefine((spec, ctx) => {
  for (const issue of semanticIssues(spec)) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
});

export type ProbeSpec = z.output<typeof probeSpecSchema>;
export type ProbeSpecInput = z.input<typeof probeSpecSchema>;
export type ProbeData = NonNullable<ProbeSpec["data"]>;
export type ProbeDataset = z.output<typeof probeDatasetSchema>;
export type Readout = ProbeSpec["readout"];
export type ReadoutPosition = Readout["position"];
export type LayerSelection = Readout["layers"];
export type MethodParams = ProbeSpec["methods"][number];
export type MethodName = MethodParams["method"];
export type SplitSpec = ProbeSpec["split"];
export type DiffmeanParams = z.output<typeof diffmeanParamsSchema>;
export type LogisticParams = z.output<typeof logisticParamsSchema>;
export type DimensionalityParams = z.output<typeof dimensionalityParamsSchema>;
export type ConsistencyParams = z.output<typeof consistencyParamsSchema>;
export type CrossDomainParams = z.output<typeof crossDomainParamsSchema>;
export type SteeringParams = z.output<typeof steeringParamsSchema>;
export type AblationParams = z.output<typeof ablationParamsSchema>;
export type AnchorsParams = z.output<typeof anchorsParamsSchema>;
export type NeuronMapParams = z.output<typeof neuronMapParamsSchema>;
export type SteeredGenerationParams = z.output<typeof steeredGenerationParamsSchema>;
export type SteeringDirection = SteeredGenerationParams["direction"];
export type ActivationPatchingParams = z.output<typeof activationPatchingParamsSchema>;
export type LogitLensParams = z.output<typeof logitLensParamsSchema>;
export type AttentionPatternsParams = z.output<typeof attentionPatternsParamsSchema>;
export type CausalMethodParams = SteeredGenerationParams | ActivationPatchingParams | LogitLensParams | AttentionPatternsParams;
export type CausalMethodName = CausalMethodParams["method"];

/** Whether a method is one of the version-2 causal methods. */
export function isCausalMethod(m: MethodParams): m is CausalMethodParams {
  return CAUSAL_METHODS.has(m.method);
}
export type LabelledExample = z.output<typeof labelledExampleSchema>;
export type ContrastivePair = z.output<typeof contrastivePairSchema>;

interface SemanticIssue {
  path: Array<string | number>;
  message: string;
}

/** Minimum examples per class required by the spec's split. */
function minPerClass(spec: SpecObject): number {
  return Math.max(L.minExamplesPerClass, spec.split.kind === "kfold" ? spec.split.k : 2);
}

/** Checks on a data set's content, used for inline data and for resolved uploads alike. */
export function datasetIssues(
  data: ProbeDataset,
  contrast: { positive: string; negative: string } | undefined,
  opts: { minPerClass: number; prefix: Array<string | number>; needDomains: boolean; marker?: string },
): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const P = opts.prefix;
  if (data.kind === "labelled") {
    const counts = new Map<string, number>();
    for (const ex of data.examples) counts.set(ex.label, (counts.get(ex.label) ?? 0) + 1);
    const classes = [...counts.keys()].sort();
    if (classes.length < 2) {
      issues.push({
        path: [...P, "examples"],
        message: `only one class (${classes.map((c) => `"${c}"`).join("")}) — add examples with at least one other label so there is something to contrast`,
      });
      return issues;
    }
    if (classes.length > L.maxClasses) issues.push({ path: [...P, "examples"], message: `${classes.length} classes; the limit is ${L.maxClasses}` });
    if (contrast) {
      if (!counts.has(contrast.positive))
        issues.push({ path: [...P, "contrast", "positive"], message: `no examples are labelled "${contrast.positive}" — use one of ${classes.map((c) => `"${c}"`).join(", ")}` });
      if (contrast.negative !== "rest" && !counts.has(contrast.negative))
        issues.push({ path: [...P, "contrast", "negative"], message: `no examples are labelled "${contrast.negative}" — use one of ${classes.map((c) => `"${c}"`).join(", ")} or "rest"` });
      if (contrast.negative === contrast.positive)
        issues.push({ path: [...P, "contrast"], message: "contrast.positive and contrast.negative must be different classes" });
    } else if (classes.length > 2) {
      issues.push({
        path: [...P, "contrast"],
        message: `the data has ${classes.length} classes (${classes.map((c) => `"${c}"`).join(", ")}) — set contrast to {"positive": "<class>", "negative": "<class or rest>"} so the binary methods know what to compare`,
      });
    }
    const pos = contrast?.positive ?? classes[1]!;
    const neg = contrast?.negative ?? classes[0]!;
    const nPos = counts.get(pos) ?? 0;
    const nNeg = neg === "rest" ? data.examples.length - nPos : counts.get(neg) ?? 0;
    for (const [name, count] of [[pos, nPos], [neg, nNeg]] as const) {
      if (count > 0 && count < opts.minPerClass)
        issues.push({ path: [...P, "examples"], message: `class "${name}" has ${count} example(s); the split needs at least ${opts.minPerClass} per class — add examples or use fewer folds` });
    }
    if (opts.marker !== undefined) {
      data.examples.forEach((ex, i) => {
        if (!ex.text.includes(opts.marker!)) issues.push({ path: [...P, "examples", i, "text"], message: `marker "${opts.marker}" does not occur in the prompt — add it or choose another read-out position` });
      });
    }
  } else {
    if (data.pairs.length < opts.minPerClass)
      issues.push({ path: [...P, "pairs"], message: `${data.pairs.length} pairs; the split needs at least ${opts.minPerClass} — add pairs or use fewer folds` });
    data.pairs.forEach((p, i) => {
      if (p.positive === p.negative) issues.push({ path: [...P, "pairs", i], message: "positive and negative are the same text — a contrastive pair must differ" });
      if (opts.marker !== undefined) {
        if (!p.positive.includes(opts.marker)) issues.push({ path: [...P, "pairs", i, "positive"], message: `marker "${opts.marker}" does not occur in the prompt — add it or choose another read-out position` });
        if (!p.negative.includes(opts.marker)) issues.push({ path: [...P, "pairs", i, "negative"], message: `marker "${opts.marker}" does not occur in the prompt — add it or choose another read-out position` });
      }
    });
  }
  if (opts.needDomains) {
    const rows = data.kind === "labelled" ? data.examples : data.pairs;
    const domains = new Set(rows.map((r) => r.domain).filter((d): d is string => d !== undefined));
    if (domains.size < 2)
      issues.push({ path: [...P, data.kind === "labelled" ? "examples" : "pairs"], message: `crossDomain needs at least two domain tags, found ${domains.size} — tag examples with "domain"` });
    if (domains.size > L.maxDomains) issues.push({ path: [...P], message: `${domains.size} domains; the limit is ${L.maxDomains}` });
  }
  return issues;
}

/** Number of layers a selection names, or null when it depends on the model ("all"). */
export function selectedLayerCount(sel: LayerSelection): number | null {
  if (sel === "all") return null;
  if (Array.isArray(sel)) return new Set(sel).size;
  return Math.floor((sel.to - sel.from) / sel.step) + 1;
}

/** Expands a layer selection for a model with nLayers blocks. Throws with a clear message when out of range. */
export function resolveLayers(sel: LayerSelection, nLayers: number): number[] {
  let layers: number[];
  if (sel === "all") layers = Array.from({ length: nLayers }, (_, i) => i);
  else if (Array.isArray(sel)) layers = [...new Set(sel)].sort((a, b) => a - b);
  else {
    layers = [];
    for (let l = sel.from; l <= sel.to; l += sel.step) layers.push(l);
  }
  const bad = layers.filter((l) => l >= nLayers);
  if (bad.length > 0) throw new Error(`readout.layers: layer ${bad.join(", ")} does not exist — the model has ${nLayers} blocks (0 to ${nLayers - 1})`);
  return layers;
}

const PER_LAYER_METHODS = new Set<MethodName>(["diffmean", "logistic", "dimensionality", "consistency", "crossDomain", "anchors", "steering", "ablation"]);

/** Methods that read the spec's data: every v1 method, and steeredGeneration with `direction.kind: "data"`. */
function needsData(m: MethodParams): boolean {
  if (m.method === "steeredGeneration") return m.direction.kind === "data";
  return !CAUSAL_METHODS.has(m.method);
}

/** Version and data rules of spec version 2. */
function versionIssues(spec: SpecObject): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  if (spec.version === PROBE_SPEC_VERSION) {
    spec.methods.forEach((m, i) => {
      if (CAUSAL_METHODS.has(m.method))
        issues.push({ path: ["methods", i, "method"], message: `"${m.method}" needs "version": ${LATEST_PROBE_SPEC_VERSION} — set "version": ${LATEST_PROBE_SPEC_VERSION} at the top of the spec` });
    });
    if (spec.data === undefined) issues.push({ path: ["data"], message: "is missing — give the prompts to read (\"labelled\", \"pairs\" or \"dataset\")" });
    return issues;
  }
  if (spec.data === undefined) {
    const needing = spec.methods.filter(needsData).map((m) => (m.method === "steeredGeneration" ? 'steeredGeneration with direction "data"' : m.method));
    if (needing.length > 0)
      issues.push({ path: ["data"], message: `is missing — ${[...new Set(needing)].join(", ")} read${needing.length === 1 ? "s" : ""} the spec's data; give "data", or use only steeredGeneration, activationPatching, logitLens and attentionPatterns` });
  }
  return issues;
}

function semanticIssues(spec: SpecObject): SemanticIssue[] {
  const issues: SemanticIssue[] = versionIssues(spec);
  const marker = spec.readout.position.kind === "marker" ? spec.readout.position.marker : undefined;
  const needDomains = spec.methods.some((m) => m.method === "crossDomain");
  const needsBinary = spec.methods.some((m) => m.method !== "anchors" && m.method !== "neuronMap" && needsData(m));
  if (spec.data !== undefined && spec.data.kind !== "dataset") {
    const dataset: ProbeDataset = spec.data.kind === "labelled" ? { kind: "labelled", examples: spec.data.examples } : { kind: "pairs", pairs: spec.data.pairs };
    const contrast = spec.data.kind === "labelled" ? spec.data.contrast : undefined;
    issues.push(...datasetIssues(dataset, contrast, { minPerClass: needsBinary ? minPerClass(spec) : 1, prefix: ["data"], needDomains, marker }));
  }
  if (spec.data?.kind === "pairs" && spec.data.pairs.length * 2 > L.maxExamples)
    issues.push({ path: ["data", "pairs"], message: `${spec.data.pairs.length * 2} prompts; the limit is ${L.maxExamples}` });
  const nLayers = selectedLayerCount(spec.readout.layers);
  const perLayer = spec.methods.filter((m) => PER_LAYER_METHODS.has(m.method)).length;
  if (nLayers !== null && nLayers * spec.readout.hooks.length * perLayer > L.maxLayerMethodCells)
    issues.push({
      path: ["methods"],
      message: `${nLayers} layers × ${spec.readout.hooks.length} hooks × ${perLayer} methods = ${nLayers * spec.readout.hooks.length * perLayer}; the limit is ${L.maxLayerMethodCells} — select fewer layers, hooks or methods`,
    });
  const seen = new Set<string>();
  spec.methods.forEach((m, i) => {
    if (m.method === "steering" || m.method === "ablation" || m.method === "anchors" || m.method === "neuronMap" || CAUSAL_METHODS.has(m.method)) return;
    if (seen.has(m.method)) issues.push({ path: ["methods", i], message: `method "${m.method}" is listed twice — keep one` });
    seen.add(m.method);
  });
  spec.methods.forEach((m, i) => {
    if (m.method === "steering" || m.method === "ablation") {
      const layers = m.layers === "all" ? nLayers : new Set(m.layers).size;
      const prompts = m.prompts?.length ?? m.maxPrompts;
      const perPrompt = m.completions ? 2 : 1;
      const alphas = m.method === "steering" ? m.alphas.length + 1 : 2;
      if (layers !== null && layers * alphas * prompts * perPrompt > L.maxInterventionForwards)
        issues.push({
          path: ["methods", i],
          message: `${layers} layers × ${alphas} settings × ${prompts} prompts × ${perPrompt} completions = ${layers * alphas * prompts * perPrompt} forward passes; the limit is ${L.maxInterventionForwards} — use fewer layers, alphas or prompts`,
        });
      if (m.method === "steering" && m.alphas.some((a) => Math.abs(a) > 1e4)) issues.push({ path: ["methods", i, "alphas"], message: "alphas beyond ±10000 — α is in units of the typical residual norm; use values such as ±0.5, ±1, ±2" });
    }
    if (m.method === "neuronMap" && !m.hook.includes("mlp.hook_post") && m.hook !== "blocks.{L}.hook_mlp_out" && m.hook !== "blocks.{L}.hook_resid_post")
      issues.push({ path: ["methods", i, "hook"], message: `neuronMap reads neurons from "${DEFAULT_NEURON_HOOK}" (or a residual hook) — "${m.hook}" is not supported` });
    if (m.method === "neuronMap" && nLayers !== null && spec.readout.layers !== "all") {
      // neuronMap's layer is independent of readout.layers; nothing to check here.
    }
  });
  return issues;
}

/** Checks that need the model: layer indices, and the layers × methods product when layers is "all". */
export function checkRuntimeLimits(spec: ProbeSpec, model: { nLayers: number }): string[] {
  const errors: string[] = [];
  let layers: number[] = [];
  // readout.layers only matters to the methods that read the data.
  if (spec.methods.some(needsData)) {
    try {
      layers = resolveLayers(spec.readout.layers, model.nLayers);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  const perLayer = spec.methods.filter((m) => PER_LAYER_METHODS.has(m.method)).length;
  const cells = layers.length * spec.readout.hooks.length * perLayer;
  if (cells > L.maxLayerMethodCells)
    errors.push(`methods: ${layers.length} layers × ${spec.readout.hooks.length} hooks × ${perLayer} methods = ${cells}; the limit is ${L.maxLayerMethodCells} — select fewer layers`);
  spec.methods.forEach((m, i) => {
    if ((m.method === "steering" || m.method === "ablation") && m.layers !== "all") {
      const bad = m.layers.filter((l) => l >= model.nLayers);
      if (bad.length > 0) errors.push(`methods[${i}].layers: layer ${bad.join(", ")} does not exist — the model has ${model.nLayers} blocks`);
    }
    if ((m.method === "steering" || m.method === "ablation") && m.layers === "all") {
      const prompts = m.prompts?.length ?? m.maxPrompts;
      const alphas = m.method === "steering" ? m.alphas.length + 1 : 2;
      const forwards = model.nLayers * alphas * prompts * (m.completions ? 2 : 1);
      if (forwards > L.maxInterventionForwards) errors.push(`methods[${i}]: ${forwards} forward passes; the limit is ${L.maxInterventionForwards} — use fewer layers, alphas or prompts`);
    }
    if (m.method === "neuronMap" && m.layer >= model.nLayers) errors.push(`methods[${i}].layer: layer ${m.layer} does not exist — the model has ${model.nLayers} blocks`);
    const causalLayers = m.method === "steeredGeneration" || m.method === "activationPatching" || m.method === "attentionPatterns" ? m.layers : "all";
    if (causalLayers !== "all") {
      const bad = [...new Set(causalLayers.filter((l) => l >= model.nLayers))];
      if (bad.length > 0) errors.push(`methods[${i}].layers: layer ${bad.join(", ")} does not exist — the model has ${model.nLayers} blocks (0 to ${model.nLayers - 1})`);
    }
    if (m.method === "steeredGeneration" && m.direction.kind === "artifact" && m.direction.layer !== undefined && m.direction.layer >= model.nLayers)
      errors.push(`methods[${i}].direction.layer: layer ${m.direction.layer} does not exist — the model has ${model.nLayers} blocks`);
  });
  return errors;
}

/** "data.pairs[3].positive" */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out === "" ? "spec" : out;
}

/** Generic messages for issues whose schema gives none. */
function humanMessage(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case "invalid_type":
      if (iss.input === undefined) return `is missing — give ${article(iss.expected)}`;
      return `expected ${article(iss.expected)}, got ${describe(iss.input)}`;
    case "unrecognized_keys":
      return `unknown field${iss.keys.length > 1 ? "s" : ""} ${iss.keys.map((k) => `"${k}"`).join(", ")} — remove ${iss.keys.length > 1 ? "them" : "it"} or check the spelling`;
    case "invalid_value":
      return `expected one of ${iss.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(iss.input)}`;
    case "too_small":
      return iss.origin === "array" ? `list is too short — give at least ${String(iss.minimum)} item(s)` : `must be at least ${String(iss.minimum)}`;
    case "too_big":
      return iss.origin === "array" ? `list is too long — at most ${String(iss.maximum)} item(s)` : iss.origin === "string" ? `is longer than ${String(iss.maximum)} characters — shorten it` : `must be at most ${String(iss.maximum)}`;
    default:
      return undefined;
  }
}

function article(expected: string): string {
  const names: Record<string, string> = { string: "text", number: "a number", int: "a whole number", boolean: "true or false", array: "a list", object: "an object" };
  return names[expected] ?? expected;
}

export type ParseResult<T> = { ok: true; spec: T } | { ok: false; errors: string[] };

function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const out: string[] = [];
  for (const iss of issues) {
    if (iss.code === "invalid_union" && iss.errors.length > 0 && iss.discriminator === undefined) {
      // Report the branch that got furthest rather than "invalid input".
      const depth = (errs: readonly z.core.$ZodIssue[]) => Math.max(0, ...errs.map((e) => e.path.length));
      const best = [...iss.errors].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0]!;
      const nested = best.map((e) => ({ ...e, path: [...iss.path, ...e.path] })) as z.core.$ZodIssue[];
      if (nested.length > 0 && nested.length <= 3) {
        out.push(...formatIssues(nested));
        continue;
      }
    }
    out.push(`${formatPath(iss.path)}: ${iss.message}`);
  }
  return [...new Set(out)];
}

function parseWith<S extends z.ZodType>(schema: S, json: unknown): ParseResult<z.output<S>> {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json) as unknown;
    } catch (e) {
      return { ok: false, errors: [`spec: not valid JSON (${(e as Error).message}) — check quotes, commas and brackets`] };
    }
  }
  const result = schema.safeParse(value, { reportInput: true, error: (iss) => humanMessage(iss) });
  if (result.success) return { ok: true, spec: result.data };
  return { ok: false, errors: formatIssues(result.error.issues) };
}

/** Parses and validates a probe spec (an object, or its JSON text), with messages that say what to fix. */
export function parseProbeSpec(json: unknown): ParseResult<ProbeSpec> {
  return parseWith(probeSpecSchema, json);
}

/** Validates an uploaded data set on its own (before any spec refers to it). */
export function parseProbeDataset(json: unknown): ParseResult<ProbeDataset> {
  const parsed = parseWith(probeDatasetSchema, json);
  if (!parsed.ok) return parsed;
  const issues = datasetIssues(parsed.spec, undefined, { minPerClass: L.minExamplesPerClass, prefix: [], needDomains: false });
  // Multi-class data sets are fine on upload; the spec picks the contrast.
  const relevant = issues.filter((i) => !(i.path.at(-1) === "contrast"));
  if (relevant.length > 0) return { ok: false, errors: relevant.map((i) => `${formatPath(i.path)}: ${i.message}`) };
  return parsed;
}
