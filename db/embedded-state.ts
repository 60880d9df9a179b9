import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * What one embedded data directory needs to be found again and told apart from any other:
 * its superuser and app passwords, the port it was last served on and its installation id.
 * Kept beside the data directory (`.data/postgres` → `.data/postgres.json`), readable by its owner only.
 */
const stateSchema = z.object({
  superuserPassword: z.string().min(16),
  appPassword: z.string().min(16).optional(),
  port: z.number().int().min(1).max(65_535).optional(),
  installationId: z.string().min(1).optional(),
});
export type EmbeddedState = z.infer<typeof stateSchema>;

export function statePath(dataDir: string): string {
  const resolved = path.resolve(dataDir);
  return path.join(path.dirname(resolved), `${path.basename(resolved)}.json`);
}

export function randomSecret(): string {
  return randomBytes(24).toString("hex");
}

export function readState(dataDir: string): EmbeddedState | null {
  const file = statePath(dataDir);
  if (!existsSync(file)) return null;
  const parsed = stateSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file} is not a valid MechMap database state file: ${parsed.error.message}`);
  return parsed.data;
}

/** Writes the whole state atomically (a crash never leaves half a file, and so never loses a password). */
export function writeState(dataDir: string, state: EmbeddedState): EmbeddedState {
  const file = statePath(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(stateSchema.parse(state), null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  return state;
}

export function updateState(dataDir: string, change: Partial<EmbeddedState>): EmbeddedState {
  const current = readState(dataDir);
  if (!current) throw new Error(`no state file for ${dataDir}`);
  return writeState(dataDir, { ...current, ...change });
}
