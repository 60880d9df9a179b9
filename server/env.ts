import { z } from "zod";

/**
 * The typed environment. Read once; every server module imports `env` instead of `process.env`.
 * DATABASE_URL is always set for the web app and workers: `npm start` sets it to the embedded
 * server when the user did not.
 */
const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: z.string().url().optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  GITHUB_ID: z.string().min(1).optional(),
  GITHUB_SECRET: z.string().min(1).optional(),
  ORCID_CLIENT_ID: z.string().min(1).optional(),
  ORCID_CLIENT_SECRET: z.string().min(1).optional(),
  /** ORCID's sandbox is used for testing integrations. */
  ORCID_ISSUER: z.string().url().default("https://orcid.org"),
  MECHMAP_FIXTURES_DIR: z.string().optional(),
  MECHMAP_CACHE_DIR: z.string().optional(),
  /** The installation the database must belong to (set by `npm start`); see db/installation.ts. */
  MECHMAP_INSTALLATION_ID: z.string().min(1).optional(),
});

export type Env = z.infer<typeof schema>;

function parseEnv(): Env {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment variables:\n${problems}`);
  }
  return parsed.data;
}

export const env = parseEnv();

export function requireDatabaseUrl(): string {
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set. Start the platform with `npm start`, which provides it.");
  return env.DATABASE_URL;
}
