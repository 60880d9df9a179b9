import path from "node:path";
import { defineConfig } from "vitest/config";

/** Browser tests against a production build (`next build`, served by scripts/serve.ts) on a fresh, seeded database. */
export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname) } },
  test: {
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/e2e/setup/server.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // One browser, one server: files run one after another.
    fileParallelism: false,
  },
});
