/** runProbe's structured progress and its stop signal, on the real fixture model. */
import { beforeAll, describe, expect, it } from "vitest";
import type { HostedActivationSource } from "../../workers/probes/hosted-activation-source";
import type { ProbeProgress } from "../../workers/probes/progress";
import { runProbe } from "../../workers/probes/run-probe";
import { toStableJson } from "../../workers/probes/serialize";
import { hasStoriesFixtures } from "../runtime/fixtures";
import { fixtureSource, realSpec } from "./real-spec";

describe.skipIf(!hasStoriesFixtures())("runProbe progress and cancellation", () => {
  let source: HostedActivationSource;
  beforeAll(async () => {
    source = await fixtureSource();
  });

  it("reports every stage with a percent that only grows to 100, and batching changes no number", async () => {
    const reports: ProbeProgress[] = [];
    const spec = realSpec();
    const a = await runProbe(spec, { source, batchSize: 16, onProgress: (p) => void reports.push({ ...p }) });
    const b = await runProbe(spec, { source });
    expect(toStableJson(a.metrics)).toBe(toStableJson(b.metrics));

    expect(reports.length).toBeGreaterThan(20);
    for (let i = 1; i < reports.length; i++) expect(reports[i]!.percent).toBeGreaterThanOrEqual(reports[i - 1]!.percent);
    for (const r of reports) {
      expect(r.examplesDone).toBeLessThanOrEqual(r.examplesTotal);
      expect(r.percent).toBeGreaterThanOrEqual(0);
      expect(r.percent).toBeLessThanOrEqual(100);
    }
    const last = reports[reports.length - 1]!;
    expect(last).toMatchObject({ stage: "done", percent: 100 });
    // The planned work matches what was done: the last batch before "done" is close to 100%.
    expect(reports[reports.length - 2]!.percent).toBeGreaterThan(95);
    expect(new Set(reports.map((r) => r.stage))).toEqual(new Set(["reading", "computing", "steering", "ablation", "anchors", "neuron map", "done"]));
    // Reading 220 examples in batches of 16 reports partial counts with the layer being read.
    const reading = reports.filter((r) => r.stage === "reading");
    expect(reading.some((r) => r.examplesDone > 0 && r.examplesDone < r.examplesTotal)).toBe(true);
    expect(reading.every((r) => r.layer !== null)).toBe(true);
    // The per-layer methods report each layer in turn.
    expect(reports.filter((r) => r.stage === "computing").map((r) => r.layer)).toEqual([0, 1, 2, 3, 4]);
  });

  it("stops between batches once the signal is aborted, with the signal's reason", async () => {
    const controller = new AbortController();
    const reason = new Error("cancelled by the author");
    let readsAfterAbort = 0;
    let reportsSeen = 0;
    const counting: typeof source = Object.create(source);
    counting.read = async (...args) => {
      if (controller.signal.aborted) readsAfterAbort++;
      return source.read(...args);
    };
    const run = runProbe(realSpec(), {
      source: counting,
      batchSize: 8,
      onProgress: (p) => {
        reportsSeen++;
        if (p.examplesDone >= 16) controller.abort(reason);
      },
      signal: controller.signal,
    });
    await expect(run).rejects.toBe(reason);
    expect(readsAfterAbort).toBe(0);
    expect(reportsSeen).toBeLessThan(6);
  });
});
