import { afterAll, beforeAll } from "vitest";
import { type TestDatabase, createTestDatabase } from "../../setup/test-database";
import { tempDir } from "../formats/temp";
import { type FileServer, startFileServer } from "./file-server";

/**
 * A fresh database, a local stand-in for the Hugging Face hub (HF_ENDPOINT points at it while the
 * file runs) and a temporary folder; fields are filled in beforeAll.
 */
export function useHubFixture(tempPrefix: string) {
  const tmp = tempDir(tempPrefix);
  const ctx = { tmp } as { tdb: TestDatabase; server: FileServer; tmp: ReturnType<typeof tempDir> };
  const savedEndpoint = process.env.HF_ENDPOINT;
  beforeAll(async () => {
    ctx.tdb = await createTestDatabase();
    ctx.server = await startFileServer();
    process.env.HF_ENDPOINT = ctx.server.url;
  });
  afterAll(async () => {
    process.env.HF_ENDPOINT = savedEndpoint;
    await ctx.server.close();
    await ctx.tdb.dispose();
    tmp.cleanup();
  });
  return ctx;
}
