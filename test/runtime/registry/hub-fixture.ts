import { afterAll, beforeAll } from "vitest";
import { type TestDatabase, createTestDatabase } from "../../setup/test-database";
import { tempDir } from "../formats/temp";
import { type FileServer, startFileServer } from "./file-server";

/**
 * A fresh database, a local stand-in for the Hugging Face hub (HF_ENDPOINT points at it while the
 * file runs, and MECHMAP_ALLOW_PRIVATE_MODEL_URLS=1 lets downloads reach it on 127.0.0.1) and a
 * temporary folder; fields are filled in beforeAll.
 */
export function useHubFixture(tempPrefix: string) {
  const tmp = tempDir(tempPrefix);
  const ctx = { tmp } as { tdb: TestDatabase; server: FileServer; tmp: ReturnType<typeof tempDir> };
  const savedEndpoint = process.env.HF_ENDPOINT;
  const savedAllow = process.env.MECHMAP_ALLOW_PRIVATE_MODEL_URLS;
  beforeAll(async () => {
    ctx.tdb = await createTestDatabase();
    ctx.server = await startFileServer();
    process.env.HF_ENDPOINT = ctx.server.url;
    process.env.MECHMAP_ALLOW_PRIVATE_MODEL_URLS = "1";
  });
  afterAll(async () => {
    process.env.HF_ENDPOINT = savedEndpoint;
    if (savedAllow === undefined) delete process.env.MECHMAP_ALLOW_PRIVATE_MODEL_URLS;
    else process.env.MECHMAP_ALLOW_PRIVATE_MODEL_URLS = savedAllow;
    await ctx.server.close();
    await ctx.tdb.dispose();
    tmp.cleanup();
  });
  return ctx;
}
