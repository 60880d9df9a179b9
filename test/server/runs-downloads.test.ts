/** Run downloads: metrics as JSON and CSV, artifacts as .npy and .safetensors that independent readers load. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { experimentVersions, runArtifacts, runs } from "../../db/schema";
import { float32Bytes } from "../../server/artifacts/tensor-files";
import { parseCsv } from "../../server/services/datasets/csv";
import { artifactNames } from "../../server/services/runs/artifact-names";
import { handleArtifactsDownload, handleMetricsDownload } from "../../server/services/runs/download-http";
import type { SessionUser } from "../../server/trpc/context";
import { readSafetensorsHeader, readSafetensorsTensor } from "../../workers/runtime/formats/safetensors";
import { draftInput, useExperimentWorld } from "./experiments-fixtures";

const { ctx } = useExperimentWorld();
const dir = mkdtempSync(path.join(tmpdir(), "mechmap-run-downloads-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Reads a .npy file as the format's specification describes it (as in tensor-files.test.ts). */
function readNpy(buffer: Buffer): { descr: string; shape: number[]; values: number[] } {
  expect(buffer.subarray(0, 6).equals(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]))).toBe(true);
  const headerLength = buffer.readUInt16LE(8);
  const header = buffer.subarray(10, 10 + headerLength).toString("latin1");
  const descr = /'descr': '([^']+)'/.exec(header)![1]!;
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1]!.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  const values: number[] = [];
  for (let o = 10 + headerLength; o < buffer.length; o += 4) values.push(buffer.readFloatLE(o));
  return { descr, shape, values };
}

const metrics = {
  engine: "mechmap-probes",
  specVersion: 1,
  seed: 0,
  methods: [
    {
      method: "diffmean",
      perLayer: [
        { hook: "blocks.0.hook_resid_post", layer: 0, accuracy: 0.5, auroc: 0.52, control: { accuracy: 0.49 } },
        { hook: "blocks.1.hook_resid_post", layer: 1, accuracy: 0.91, auroc: 0.97, control: { accuracy: 0.5 } },
      ],
    },
    { method: "dimensionality", perLayer: [{ hook: "blocks.1.hook_resid_post", layer: 1, components90: 2, explained: [0.7, 0.2] }] },
    { method: "neuronMap", perLayer: [] },
  ],
};

const direction = Float32Array.from([0.6, -0.8, 0, 1e-7]);
const components = Float32Array.from({ length: 8 }, (_, i) => i / 7 - 0.5);
let runId = 0;
let queuedRunId = 0;

beforeAll(async () => {
  const draft = await ctx.as.member.experiments.create(draftInput("downloads"));
  await ctx.as.member.experiments.publish({ id: draft.id });
  const rows = await ctx.t.db.select({ id: runs.id }).from(runs).innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId)).where(eq(experimentVersions.experimentId, draft.id));
  runId = rows[0]!.id;
  queuedRunId = rows[1]!.id;
  await ctx.t.db.update(runs).set({ status: "done", metrics, metricsSha256: "a".repeat(64), finishedAt: new Date() }).where(eq(runs.id, runId));
  await ctx.t.db.insert(runArtifacts).values([
    { runId, name: "diffmean.direction", methodIndex: 0, hook: "blocks.{L}.hook_resid_post", layer: 3, shape: [4], data: float32Bytes(direction) },
    { runId, name: "dimensionality.components", methodIndex: 1, hook: "blocks.{L}.hook_resid_post", layer: 3, shape: [2, 4], data: float32Bytes(components) },
  ]);
});

const viewer: SessionUser | null = null;
const metricsOf = (id: number, q: string) => handleMetricsDownload(new Request(`http://localhost/api/runs/${id}/metrics${q}`), { db: ctx.t.db, viewer, id: String(id) });
const artifactsOf = (id: number, q: string) => handleArtifactsDownload(new Request(`http://localhost/api/runs/${id}/artifacts${q}`), { db: ctx.t.db, viewer, id: String(id) });

describe("run downloads", () => {
  it("metrics as JSON are the stored metrics", async () => {
    const res = await metricsOf(runId, "");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="run-${runId}-metrics.json"`);
    expect(await res.json()).toEqual(metrics);
  });

  it("metrics as CSV: one row per method × layer × field, nested fields dotted", async () => {
    const res = await metricsOf(runId, "?format=csv");
    expect(res.headers.get("content-type")).toContain("text/csv");
    const table = parseCsv(await res.text(), { maxRows: 1000, maxFieldChars: 1000 });
    expect(table[0]).toEqual(["method_index", "method", "hook", "layer", "field", "value"]);
    expect(table).toContainEqual(["0", "diffmean", "blocks.1.hook_resid_post", "1", "accuracy", "0.91"]);
    expect(table).toContainEqual(["0", "diffmean", "blocks.0.hook_resid_post", "0", "control.accuracy", "0.49"]);
    expect(table).toContainEqual(["1", "dimensionality", "blocks.1.hook_resid_post", "1", "explained", "[0.7,0.2]"]);
    expect(table).toHaveLength(1 + 2 * 3 + 2);
  });

  it("one artifact as .npy and all as .safetensors, named like diffmean.layer3.direction", async () => {
    const npy = await artifactsOf(runId, "?format=npy&name=diffmean.layer3.direction");
    expect(npy.status).toBe(200);
    expect(readNpy(Buffer.from(await npy.arrayBuffer()))).toEqual({ descr: "<f4", shape: [4], values: Array.from(direction) });
    const all = await artifactsOf(runId, "");
    const file = path.join(dir, "all.safetensors");
    writeFileSync(file, Buffer.from(await all.arrayBuffer()));
    const entries = readSafetensorsHeader(file);
    expect(entries.map((e) => [e.name, e.shape])).toEqual([
      ["diffmean.layer3.direction", [4]],
      ["dimensionality.layer3.components", [2, 4]],
    ]);
    expect(Array.from(readSafetensorsTensor(entries[1]!))).toEqual(Array.from(components));
    const page = await ctx.as.anonymous.runs.byId({ id: runId });
    expect(page.artifacts.map((a) => [a.downloadName, a.shape, a.bytes])).toEqual([
      ["diffmean.layer3.direction", [4], 16],
      ["dimensionality.layer3.components", [2, 4], 32],
    ]);
  });

  it("refuses unknown artifacts, bad formats and runs without results", async () => {
    const missing = await artifactsOf(runId, "?format=npy&name=nothing.here");
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toContain("diffmean.layer3.direction");
    expect((await artifactsOf(runId, "?format=npy")).status).toBe(400);
    expect((await artifactsOf(runId, "?format=pickle")).status).toBe(400);
    expect((await metricsOf(runId, "?format=xml")).status).toBe(400);
    const notYet = await metricsOf(queuedRunId, "");
    expect(notYet.status).toBe(409);
    expect((await notYet.json()).error).toMatch(/no results yet/);
    expect((await metricsOf(999_999, "")).status).toBe(404);
    expect((await metricsOf(0, "")).status).toBe(400);
  });

  it("names stay unique with several hooks and a method listed twice", () => {
    expect(
      artifactNames([
        { name: "steering.direction", methodIndex: 2, hook: "blocks.{L}.hook_resid_post", layer: 1 },
        { name: "steering.direction", methodIndex: 3, hook: "blocks.{L}.hook_resid_post", layer: 1 },
        { name: "diffmean.direction", methodIndex: 0, hook: "blocks.{L}.hook_attn_out", layer: 1 },
        { name: "neuronMap.embedding", methodIndex: 4, hook: null, layer: null },
      ]),
    ).toEqual(["m2.steering.hook_resid_post.layer1.direction", "m3.steering.hook_resid_post.layer1.direction", "diffmean.hook_attn_out.layer1.direction", "neuronMap.embedding"]);
    // Concrete per-layer hooks of one kind are one hook: no hook in the names.
    expect(
      artifactNames([
        { name: "diffmean.direction", methodIndex: 0, hook: "blocks.3.hook_resid_post", layer: 3 },
        { name: "diffmean.direction", methodIndex: 0, hook: "blocks.4.hook_resid_post", layer: 4 },
        { name: "consistency.cosines", methodIndex: 1, hook: "blocks.{L}.hook_resid_post", layer: null },
      ]),
    ).toEqual(["diffmean.layer3.direction", "diffmean.layer4.direction", "consistency.cosines"]);
  });
});
