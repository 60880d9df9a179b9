/**
 * The model registry's settings from the environment, parsed with zod on every call (tests and the
 * CLI change them at run time; reading a few variables is cheap).
 */
import { z } from "zod";

const flag = z
  .enum(["", "0", "1", "false", "true", "no", "yes"], { message: "use 1 or 0" })
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "yes");

const schema = z.object({
  /** Downloads may reach loopback, private and other non-public addresses (local mirrors, tests). */
  MECHMAP_ALLOW_PRIVATE_MODEL_URLS: flag,
  MECHMAP_CACHE_DIR: z.string().min(1).optional(),
  HF_ENDPOINT: z.string().url().optional(),
});

export type ModelSettings = z.infer<typeof schema>;

export function modelSettings(env: Readonly<Record<string, string | undefined>> = process.env): ModelSettings {
  const parsed = schema.safeParse({
    MECHMAP_ALLOW_PRIVATE_MODEL_URLS: env.MECHMAP_ALLOW_PRIVATE_MODEL_URLS,
    MECHMAP_CACHE_DIR: env.MECHMAP_CACHE_DIR || undefined,
    HF_ENDPOINT: env.HF_ENDPOINT || undefined,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid model registry settings: ${problems}`);
  }
  return parsed.data;
}
