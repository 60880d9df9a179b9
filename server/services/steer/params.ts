/**
 * What a steered generation is asked for, and how it is keyed: the request as people send it
 * (zod, with every size capped), the canonical parameters stored with a result, and their sha256.
 * Shared by the web app (which hashes and stores) and the worker (which reads the stored params).
 *
 * Units of `strength`: the vector added to the residual stream after block `layer` is
 * strength × (the unit direction) × (the mean L2 norm of that block's residual stream over the
 * prompt's positions, BOS left out). So strength 1 adds a vector as long as a typical residual there,
 * whatever the model's scale — the same convention as the probe engine's `steering` α.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { PROBE_ENGINE_VERSION } from "../../probes/engine-version";
import { idSchema, multiLine } from "../../validation/text";

/** The steer job's own version, part of every hash: bump it when the same params could give other text. */
export const STEER_ENGINE_VERSION = `${PROBE_ENGINE_VERSION}+steer/1`;

export const STEER_LIMITS = {
  promptChars: 2000,
  maxNewTokens: 64,
  /** |strength| in multiples of the mean residual norm; far past where text stays text. */
  maxStrength: 64,
  /** Prompts per side of an inline mean-difference direction, and their length. */
  contrastPrompts: 16,
  contrastChars: 500,
} as const;

const contrastSide = (label: string) =>
  z
    .array(multiLine({ min: 1, max: STEER_LIMITS.contrastChars, label: "Each prompt", minMessage: "Write something in each prompt." }))
    .min(1, `Give at least one ${label} prompt.`)
    .max(STEER_LIMITS.contrastPrompts, `Give at most ${STEER_LIMITS.contrastPrompts} ${label} prompts.`);

export const steerDirectionSchema = z.discriminatedUnion("kind", [
  /** The unit diffmean direction a finished run stored at the steered layer. */
  z.strictObject({ kind: z.literal("run"), runId: idSchema }),
  /** Mean residual (after the steered block, at the last token) of the positive prompts minus the negative ones, unit length. */
  z.strictObject({ kind: z.literal("meanDifference"), positive: contrastSide("positive"), negative: contrastSide("negative") }),
]);
export type SteerDirection = z.output<typeof steerDirectionSchema>;

export const steerRequestSchema = z.strictObject({
  modelId: idSchema,
  prompt: multiLine({ min: 1, max: STEER_LIMITS.promptChars, label: "The prompt", minMessage: "Write a prompt to continue." }),
  direction: steerDirectionSchema,
  /** The block after which the vector is added (0-based); checked against the model's depth. */
  layer: z.number({ message: "Choose a layer." }).int("A layer is a whole number.").min(0, "Layers start at 0.").max(1023, "No hosted model is that deep."),
  strength: z
    .number({ message: "The strength is a number." })
    .finite("The strength must be a finite number.")
    .min(-STEER_LIMITS.maxStrength, `The strength can be at least −${STEER_LIMITS.maxStrength}.`)
    .max(STEER_LIMITS.maxStrength, `The strength can be at most ${STEER_LIMITS.maxStrength}.`),
  maxNewTokens: z
    .number({ message: "The number of new tokens is a whole number." })
    .int("The number of new tokens is a whole number.")
    .min(1, "Generate at least 1 token.")
    .max(STEER_LIMITS.maxNewTokens, `Generate at most ${STEER_LIMITS.maxNewTokens} tokens.`)
    .default(24),
  /** Absent or temperature 0: greedy decoding. */
  sampling: z
    .strictObject({
      temperature: z.number().finite().min(0, "The temperature cannot be negative.").max(2, "The temperature can be at most 2."),
      topP: z.number().finite().gt(0, "top-p must be above 0.").max(1, "top-p can be at most 1.").default(1),
    })
    .optional(),
  /** Seeds the sampler and the random baseline direction. */
  seed: z.number().int("The seed is a whole number.").min(0, "The seed cannot be negative.").max(2 ** 31 - 1, "The seed is too large.").default(0),
});
export type SteerRequest = z.output<typeof steerRequestSchema>;

/** Everything that decides the output; its canonical JSON is hashed. */
export interface SteerParams {
  engine: string;
  model: { id: number; name: string; sha256: string };
  prompt: string;
  direction: SteerDirection;
  layer: number;
  strength: number;
  maxNewTokens: number;
  sampling: { temperature: number; topP: number } | null;
  seed: number;
}

export const steerParamsSchema: z.ZodType<SteerParams> = z.object({
  engine: z.string(),
  model: z.object({ id: z.number().int(), name: z.string(), sha256: z.string() }),
  prompt: z.string(),
  direction: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("run"), runId: z.number().int() }),
    z.object({ kind: z.literal("meanDifference"), positive: z.array(z.string()), negative: z.array(z.string()) }),
  ]),
  layer: z.number().int(),
  strength: z.number(),
  maxNewTokens: z.number().int(),
  sampling: z.object({ temperature: z.number(), topP: z.number() }).nullable(),
  seed: z.number().int(),
});

export function steerParams(request: SteerRequest, model: { id: number; name: string; sha256: string }): SteerParams {
  const sampling = request.sampling && request.sampling.temperature > 0 ? { temperature: request.sampling.temperature, topP: request.sampling.topP } : null;
  const direction: SteerDirection =
    request.direction.kind === "run" ? { kind: "run", runId: request.direction.runId } : { kind: "meanDifference", positive: [...request.direction.positive], negative: [...request.direction.negative] };
  return {
    engine: STEER_ENGINE_VERSION,
    model: { id: model.id, name: model.name, sha256: model.sha256 },
    prompt: request.prompt,
    direction,
    layer: request.layer,
    // -0 and 0 are the same request.
    strength: request.strength === 0 ? 0 : request.strength,
    maxNewTokens: request.maxNewTokens,
    sampling,
    seed: request.seed,
  };
}

/** JSON with object keys sorted at every depth, so equal parameters always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The model's name is shown, not hashed: its id and weights decide the output. */
export function steerParamsHash(params: SteerParams): string {
  const { model, ...rest } = params;
  return createHash("sha256")
    .update(canonicalJson({ ...rest, model: { id: model.id, sha256: model.sha256 } }))
    .digest("hex");
}

/** The three continuations of every result, in display order. */
export const STEER_STREAMS = ["default", "steered", "baseline"] as const;
export type SteerStreamName = (typeof STEER_STREAMS)[number];

const partialStream = z.object({ text: z.string(), tokens: z.array(z.number().int()) });
/** Written while running: what each stream has generated so far. */
export const steerPartialSchema = z.object({ step: z.number().int(), streams: z.object({ default: partialStream, steered: partialStream, baseline: partialStream }) });
export type SteerPartial = z.infer<typeof steerPartialSchema>;

const finalStream = z.object({
  text: z.string(),
  tokens: z.array(z.number().int()),
  /** The decoded piece of each token. */
  pieces: z.array(z.string()),
  /** log p of each generated token under the (steered) model, temperature 1. */
  logProbs: z.array(z.number()),
  stoppedBy: z.enum(["stop", "budget"]),
});
export const steerResultSchema = z.object({
  promptTokens: z.number().int(),
  /** Mean L2 norm of the residual stream after the steered block over the prompt (BOS left out). */
  meanResidNorm: z.number(),
  /** Length of the added vector: |strength| × meanResidNorm (the random baseline has the same length). */
  vectorNorm: z.number(),
  /** Where the direction came from, e.g. "run 12, blocks.3.hook_resid_post". */
  directionSource: z.string(),
  streams: z.object({ default: finalStream, steered: finalStream, baseline: finalStream }),
});
export type SteerResult = z.infer<typeof steerResultSchema>;
