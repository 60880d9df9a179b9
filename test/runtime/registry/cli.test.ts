import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { EXIT, USAGE, parseCommand, runModelCli } from "../../../workers/cli/model";
import { renderProgressBar } from "../../../workers/models/progress-bar";
import { listModels } from "../../../workers/models/registry";
import { sha256File } from "../../../workers/runtime/formats/sha256";
import { PROJECT_ROOT, STORIES_GGUF } from "../fixtures";
import { useHubFixture } from "./hub-fixture";

const run = promisify(execFile);
const STORIES_PATH = "/ggml-org/tiny-llamas/resolve/main/stories260K.gguf";

const hub = useHubFixture("mechmap-cli-");

function capture(isTTY = false) {
  const out: string[] = [];
  let err = "";
  return { io: { out: (l: string) => out.push(l), err: (t: string) => { err += t; }, isTTY }, out, err: () => err };
}

describe("progress bar", () => {
  it("renders fraction, percentage and sizes", () => {
    expect(renderProgressBar({ file: "m.gguf", bytesDone: 512 * 1024, bytesTotal: 1024 * 1024 }, 10)).toBe("m.gguf [#####-----]  50% 512.0 KB / 1.00 MB");
    expect(renderProgressBar({ file: "m.gguf", bytesDone: 2048, bytesTotal: null })).toBe("m.gguf 2.00 KB");
  });
});

describe("command parsing", () => {
  it("accepts the three commands and refuses anything else", () => {
    expect(parseCommand(["add", "hf:a/b/c.gguf", "--name", "x", "--licence", "MIT"])).toEqual({ command: "add", source: "hf:a/b/c.gguf", name: "x", licence: "MIT" });
    expect(parseCommand(["list"])).toEqual({ command: "list" });
    expect(parseCommand(["remove", "x"])).toEqual({ command: "remove", name: "x" });
    for (const bad of [[], ["add"], ["list", "x"], ["remove"], ["add", "a", "b"], ["add", "a", "--bogus"], ["add", "a", "--name"], ["frobnicate"]]) {
      expect(parseCommand(bad), bad.join(" ")).toBeNull();
    }
  });

  it("reads add <model> --as <precision> [--name N] as a precision variant, without --licence or --sha256", () => {
    expect(parseCommand(["add", "stories260K", "--as", "q8_0"])).toEqual({ command: "variant", base: "stories260K", precision: "q8_0" });
    expect(parseCommand(["add", "stories260K", "--as", "f16", "--name", "s-half"])).toEqual({ command: "variant", base: "stories260K", precision: "f16", name: "s-half" });
    // An unknown precision is parsed, and refused by the conversion with a message (exit 2).
    expect(parseCommand(["add", "stories260K", "--as", "q4_0"])).toEqual({ command: "variant", base: "stories260K", precision: "q4_0" });
    for (const bad of [["add", "--as", "f16"], ["add", "m", "--as"], ["add", "m", "--as", "f16", "--licence", "MIT"], ["add", "m", "--as", "f16", "--sha256", "a".repeat(64)], ["add", "m", "x", "--as", "f16"]]) {
      expect(parseCommand(bad), bad.join(" ")).toBeNull();
    }
  });
});

describe("npm run model (in process, real PostgreSQL)", () => {
  it("adds, refuses duplicates, lists and removes, with exit codes", async () => {
    const add = capture();
    expect(await runModelCli(["add", STORIES_GGUF, "--licence", "MIT"], hub.tdb.db, add.io)).toBe(EXIT.ok);
    expect(add.out[0]).toMatch(/^Added stories260K {2}ready {2}llama, 292,800 parameters, 5 layers, d_model 64, vocabulary 512, context 2048(, precision f32)?\n {4}source: .*stories260K\.gguf {2}licence: MIT\n {4}sha256: 270cba1b/);

    const dup = capture();
    expect(await runModelCli(["add", STORIES_GGUF], hub.tdb.db, dup.io)).toBe(EXIT.conflict);
    expect(dup.err()).toBe("error: A model named stories260K already exists (status ready). Choose another name with --name, or remove it first.\n");

    const list = capture();
    expect(await runModelCli(["list"], hub.tdb.db, list.io)).toBe(EXIT.ok);
    expect(list.out).toHaveLength(1);
    expect(list.out[0]).toMatch(/^stories260K {2}ready {2}llama/);

    const rm = capture();
    expect(await runModelCli(["remove", "stories260K"], hub.tdb.db, rm.io)).toBe(EXIT.ok);
    expect(rm.out).toEqual(["Removed stories260K."]);
    const again = capture();
    expect(await runModelCli(["remove", "stories260K"], hub.tdb.db, again.io)).toBe(EXIT.notFound);
    expect(again.err()).toBe("error: No model named stories260K.\n");

    const empty = capture();
    await runModelCli(["list"], hub.tdb.db, empty.io);
    expect(empty.out).toEqual(["No models registered. Add one with: npm run model -- add <source>"]);
  });

  it("shows a progress bar on stderr while downloading (redrawn on a terminal, by tenths otherwise)", async () => {
    hub.server.files.set(STORIES_PATH, readFileSync(STORIES_GGUF));
    const plain = capture(false);
    expect(await runModelCli(["add", "hf:ggml-org/tiny-llamas/stories260K.gguf", "--name", "plain"], hub.tdb.db, plain.io, { cacheDir: path.join(hub.tmp.dir, "c1") })).toBe(EXIT.ok);
    const lines = plain.err().trim().split("\n");
    expect(lines.at(-1)).toBe("stories260K.gguf [##############################] 100% 1.13 MB / 1.13 MB");
    expect(lines.length).toBeLessThanOrEqual(11);

    const tty = capture(true);
    expect(await runModelCli(["add", "hf:ggml-org/tiny-llamas/stories260K.gguf", "--name", "tty"], hub.tdb.db, tty.io, { cacheDir: path.join(hub.tmp.dir, "c2") })).toBe(EXIT.ok);
    expect(tty.err()).toMatch(/\rstories260K\.gguf \[#+\] 100% 1\.13 MB \/ 1\.13 MB\x1b\[K\n$/);
  });

  it("exits 1 with the reason when the add fails, 2 on bad usage or input", async () => {
    hub.server.files.set("/x/y/resolve/main/bad.gguf", Buffer.from("GGML not really a model"));
    const failed = capture();
    expect(await runModelCli(["add", "hf:x/y/bad.gguf"], hub.tdb.db, failed.io, { cacheDir: path.join(hub.tmp.dir, "c3") })).toBe(EXIT.failed);
    expect(failed.err()).toContain('error: not a GGUF file: bad.gguf starts with bytes 47474d4c, expected the magic "GGUF" (47475546)\n');

    const usage = capture();
    expect(await runModelCli(["add"], hub.tdb.db, usage.io)).toBe(EXIT.usage);
    expect(usage.err()).toBe(`${USAGE}\n`);
    const badSource = capture();
    expect(await runModelCli(["add", "ftp://host/m.gguf"], hub.tdb.db, badSource.io)).toBe(EXIT.usage);
    expect(badSource.err()).toMatch(/^error: Unsupported source "ftp:\/\/host\/m\.gguf"/);
  });
});

describe("npm run model -- add <model> --as (in process, real PostgreSQL)", () => {
  const cacheDir = () => path.join(hub.tmp.dir, "c-variants");
  /** Rows and cached files, which a refused command must leave as they were. */
  const state = async () => ({
    rows: (await listModels(hub.tdb.db)).map((m) => `${m.name} ${m.status} ${m.updatedAt.toISOString()}`),
    files: existsSync(cacheDir()) ? readdirSync(cacheDir()).sort() : [],
  });

  it("registers a q8_0 variant of a ready model and says what the conversion did", async () => {
    const added = capture();
    expect(await runModelCli(["add", "plain", "--as", "q8_0"], hub.tdb.db, added.io, { cacheDir: cacheDir() })).toBe(EXIT.ok);
    const file = path.join(cacheDir(), "plain-q8_0.gguf");
    expect(added.out[0]).toMatch(/^Added plain-q8_0 {2}ready {2}llama, 292,800 parameters, 5 layers, d_model 64, vocabulary 512, context 2048, precision mixed\n {4}source: (.*)\n {4}sha256: ([0-9a-f]{64})$/);
    expect(added.out[0]).toContain(`source: ${file}\n`);
    expect(added.out[0]).toContain(`sha256: ${await sha256File(file)}`);
    expect(added.out[1]).toBe(
      "Converted from plain (tensors: 32 F32 -> Q8_0, 11 F32 unchanged, 5 F32 -> F16); 1.13 MB -> 370.3 KB.\n" +
      "    kept in F16 (rows of 172 values are not whole Q8_0 blocks of 32): blk.0.ffn_down.weight, blk.1.ffn_down.weight, blk.2.ffn_down.weight, blk.3.ffn_down.weight, blk.4.ffn_down.weight",
    );
    expect(added.err()).toBe("");
  });

  it("refuses bad input with the documented exit codes and changes nothing", async () => {
    const before = await state();
    expect(before.files).toEqual(["plain-q8_0.gguf"]);
    const cases: Array<[string[], number, string]> = [
      [["add", "plain", "--as", "q4_0"], EXIT.usage, 'error: Unknown precision "q4_0"; use f16 or q8_0.\n'],
      [["add", "no-such-model", "--as", "f16"], EXIT.notFound, "error: No model named no-such-model.\n"],
      [["add", "plain", "--as", "q8_0"], EXIT.conflict, "error: A model named plain-q8_0 already exists (status ready). Choose another name with --name, or remove it first.\n"],
      [["add", "plain", "--as", "f16", "--name", "tty"], EXIT.conflict, "error: A model named tty already exists (status ready). Choose another name with --name, or remove it first.\n"],
      [["add", "plain-q8_0", "--as", "f16"], EXIT.usage, "error: plain-q8_0 already stores weights at f16 or lower (token_embd.weight is Q8_0); a f16 variant would not lower its precision.\n"],
      [["add", "plain", "--as", "f16", "--name", "no spaces"], EXIT.usage, "error: Use letters, digits, '.', '_' and '-' in model names (starting with a letter or digit).\n"],
      [["add", "plain", "--as", "f16", "--licence", "MIT"], EXIT.usage, `${USAGE}\n`],
    ];
    for (const [argv, code, message] of cases) {
      const c = capture();
      expect(await runModelCli(argv, hub.tdb.db, c.io, { cacheDir: cacheDir() }), argv.join(" ")).toBe(code);
      expect(c.err()).toBe(message);
      expect(c.out).toEqual([]);
    }
    expect(await state()).toEqual(before);
  });
});

describe("npm run model (a real process)", () => {
  const tsx = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
  const cli = path.join(PROJECT_ROOT, "workers", "cli", "model.ts");
  const env = () => ({ ...process.env, DATABASE_URL: hub.tdb.url, MECHMAP_CACHE_DIR: path.join(hub.tmp.dir, "proc-cache") });

  it("lists over DATABASE_URL and exits with the documented codes", async () => {
    const list = await run(tsx, [cli, "list"], { env: env() });
    expect(list.stdout).toMatch(/^plain {2}ready {2}llama/m);
    await expect(run(tsx, [cli, "remove", "no-such-model"], { env: env() })).rejects.toMatchObject({ code: EXIT.notFound, stderr: expect.stringMatching(/(^|\n)error: No model named no-such-model\.\n$/) });
    await expect(run(tsx, [cli, "nonsense"], { env: env() })).rejects.toMatchObject({ code: EXIT.usage });
    await expect(run(tsx, [cli, "add", "no-such-model", "--as", "q8_0"], { env: env() })).rejects.toMatchObject({ code: EXIT.notFound, stderr: expect.stringMatching(/(^|\n)error: No model named no-such-model\.\n$/) });
    await expect(run(tsx, [cli, "add", "plain", "--as", "int4"], { env: env() })).rejects.toMatchObject({ code: EXIT.usage, stderr: expect.stringMatching(/(^|\n)error: Unknown precision "int4"; use f16 or q8_0\.\n$/) });
  });
});
