/**
 * Validation of a GenerateRequest against one model (sizes are checked before anything is run).
 * Token ids, steering blocks and ablation directions are validated again by the forward schema.
 */
import { z } from "zod";
import type { GenerateRequest, ModelConfig, Tokenizer } from "../types";

/** Prompts per request; larger batches are the caller's to split. */
export const MAX_GENERATE_BATCH = 256;

export interface ValidatedGenerate {
  prompts: number[][];
  maxNewTokens: number;
  stopIds: number[];
  sampling: { temperature: number; topP: number; seed: number } | null;
}

export function generateRequestSchema(config: ModelConfig) {
  const tokenId = z.number().int().min(0).max(config.vocabSize - 1, { message: `token id must be < vocab size ${config.vocabSize}` });
  return z
    .object({
      prompts: z
        .array(z.array(tokenId).min(1, { message: "empty prompt (include BOS)" }).max(config.contextLength))
        .min(1, { message: "no prompts" })
        .max(MAX_GENERATE_BATCH, { message: `at most ${MAX_GENERATE_BATCH} prompts per request` }),
      maxNewTokens: z.number().int().min(0).max(config.contextLength),
      stopIds: z.array(tokenId).max(64).optional(),
      sampling: z
        .object({
          temperature: z.number().min(0).max(100),
          topP: z.number().gt(0).max(1),
          seed: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
        })
        .optional(),
      steering: z
        .array(
          z.object({
            afterBlock: z.number().int(),
            vector: z
              .instanceof(Float32Array, { message: "expected a Float32Array" })
              .refine((v) => v.length === config.dModel, { message: `generation steers with [d] vectors (d = ${config.dModel})` }),
          }),
        )
        .optional(),
    })
    .superRefine((r, ctx) => {
      r.prompts.forEach((p, i) => {
        if (p.length + r.maxNewTokens > config.contextLength) {
          ctx.addIssue({
            code: "custom",
            path: ["prompts", i],
            message: `prompt (${p.length} tokens) + maxNewTokens (${r.maxNewTokens}) exceeds the context length ${config.contextLength}`,
          });
        }
      });
    });
}

/** Throws a readable error for a malformed request; fills the defaults (stop at EOS, greedy). */
export function validateGenerateRequest(request: GenerateRequest, config: ModelConfig, tokenizer: Tokenizer, modelName: string): ValidatedGenerate {
  const parsed = generateRequestSchema(config).safeParse({
    prompts: request.prompts,
    maxNewTokens: request.maxNewTokens,
    stopIds: request.stopIds,
    sampling: request.sampling,
    steering: request.steering,
  });
  if (!parsed.success) throw new Error(`invalid generate request for ${modelName}: ${z.prettifyError(parsed.error)}`);
  const r = parsed.data;
  return {
    prompts: r.prompts,
    maxNewTokens: r.maxNewTokens,
    stopIds: r.stopIds ?? (tokenizer.eosId === null ? [] : [tokenizer.eosId]),
    sampling: r.sampling && r.sampling.temperature > 0 ? r.sampling : null,
  };
}
