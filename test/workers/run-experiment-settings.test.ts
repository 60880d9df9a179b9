/** The worker's settings (concurrency, memory budget, time limit, polling) parsed from the environment. */
import { describe, expect, it } from "vitest";
import { RUN_QUEUE } from "../../server/jobs/experiment-runs";
import { workerSettings } from "../../workers/settings";

describe("worker settings", () => {
  it("defaults to one run at a time, 512 MiB, 15 minutes and 0.5 s polling", () => {
    expect(workerSettings({})).toEqual({ concurrency: 1, memoryBytes: 512 * 2 ** 20, runTimeLimitMs: 15 * 60_000, pollingIntervalSeconds: 0.5 });
    expect(workerSettings({ MECHMAP_WORKER_CONCURRENCY: "", MECHMAP_WORKER_MEMORY_MB: " " }).concurrency).toBe(1);
  });

  it("reads the environment", () => {
    expect(workerSettings({ MECHMAP_WORKER_CONCURRENCY: "3", MECHMAP_WORKER_MEMORY_MB: "2048", MECHMAP_RUN_TIME_LIMIT_SECONDS: "120", MECHMAP_WORKER_POLL_SECONDS: "2.5" })).toEqual({
      concurrency: 3,
      memoryBytes: 2048 * 2 ** 20,
      runTimeLimitMs: 120_000,
      pollingIntervalSeconds: 2.5,
    });
  });

  it("refuses nonsense with the variable's name, and a time limit the queue's expiry would cut short", () => {
    expect(() => workerSettings({ MECHMAP_WORKER_CONCURRENCY: "0" })).toThrow(/MECHMAP_WORKER_CONCURRENCY must be a whole number from 1 to 64 \(got "0"\)/);
    expect(() => workerSettings({ MECHMAP_WORKER_MEMORY_MB: "lots" })).toThrow(/MECHMAP_WORKER_MEMORY_MB must be a whole number/);
    expect(() => workerSettings({ MECHMAP_WORKER_POLL_SECONDS: "0.1" })).toThrow(/from 0.5 to 60/);
    expect(() => workerSettings({ MECHMAP_RUN_TIME_LIMIT_SECONDS: String(RUN_QUEUE.expireInSeconds) })).toThrow(/MECHMAP_RUN_TIME_LIMIT_SECONDS must be a whole number from 1 to/);
    expect(workerSettings({ MECHMAP_RUN_TIME_LIMIT_SECONDS: String(RUN_QUEUE.expireInSeconds - 60) }).runTimeLimitMs).toBe((RUN_QUEUE.expireInSeconds - 60) * 1000);
  });
});
