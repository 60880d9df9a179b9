/** Data set uploads: preview writes nothing, de-duplication by content, limits, quotas, the HTTP route, downloads. */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { datasets } from "../../db/schema";
import { DATASET_LIMITS, parseDatasetFile } from "../../server/services/datasets/parse-dataset";
import { handleDatasetDownload } from "../../server/services/datasets/download-http";
import { uploadDataset } from "../../server/services/datasets/store";
import { handleDatasetUpload } from "../../server/services/datasets/upload-http";
import type { SessionUser } from "../../server/trpc/context";
import { callerFor, createUser, testIp, useDatabaseWithRoles } from "../setup/callers";
import { labelledCsv } from "./experiments-fixtures";

const ctx = useDatabaseWithRoles();
const count = async () => (await ctx.t.db.select({ id: datasets.id }).from(datasets)).length;

/** As a browser sends a file: with its Content-Length (streams say theirs, or none, through `headers`). */
function post(query: string, body: string | Uint8Array | ReadableStream<Uint8Array<ArrayBuffer>>, headers: Record<string, string> = {}): Request {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body instanceof Uint8Array ? new Uint8Array(body) : null;
  const length: Record<string, string> = bytes ? { "content-length": String(bytes.byteLength) } : {};
  const init: RequestInit & { duplex: "half" } = { method: "POST", body: bytes ?? (body as ReadableStream<Uint8Array<ArrayBuffer>>), headers: { ...length, ...headers }, duplex: "half" };
  return new Request(`http://localhost/api/datasets?${query}`, init);
}

const upload = (req: Request, user: SessionUser | null) => handleDatasetUpload(req, { db: ctx.t.db, user, clientIp: testIp() });

describe("data sets", () => {
  it("a preview parses and counts but writes nothing", async () => {
    const before = await count();
    const res = await upload(post("format=csv&name=Happy%20and%20sad&preview=1", labelledCsv("preview")), ctx.as.users.member);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ saved: false, existingId: null, preview: { kind: "labelled", rows: 12, classes: [{ name: "happy", count: 6 }, { name: "sad", count: 6 }] } });
    expect(body.preview.firstRows).toHaveLength(DATASET_LIMITS.previewRows);
    expect(await count()).toBe(before);
  });

  it("saves once: the same rows uploaded again, by anyone and in either format, are the same data set", async () => {
    const csv = labelledCsv("dedup");
    const first = await upload(post("format=csv&name=Mine", csv), ctx.as.users.member);
    expect(first.status).toBe(201);
    const saved = await first.json();
    expect(saved).toMatchObject({ saved: true, reused: false, id: expect.any(Number) });
    const parsed = parseDatasetFile(csv, "csv");
    if (!parsed.ok) throw new Error("fixture does not parse");
    const jsonl = parsed.dataset.kind === "labelled" ? parsed.dataset.examples.map((e) => JSON.stringify(e)).join("\n") : "";
    const second = await upload(post("format=jsonl&name=Theirs", jsonl), ctx.as.users.moderator);
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ saved: true, reused: true, id: saved.id });
    const preview = await upload(post("format=csv&name=Again&preview=1", csv), ctx.as.users.admin);
    expect(await preview.json()).toMatchObject({ saved: false, existingId: saved.id });
    const rows = await ctx.t.db.select().from(datasets).where(eq(datasets.contentHash, saved.contentHash));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: "Mine", ownerId: ctx.as.users.member.id, rows: 12, kind: "labelled", format: "csv" });
    // Readable by anyone through tRPC, and listed as the uploader's.
    await expect(ctx.as.anonymous.datasets.byId({ id: saved.id })).resolves.toMatchObject({ id: saved.id, name: "Mine", rows: 12, preview: { kind: "labelled" } });
    const mine = await ctx.as.member.datasets.mine({});
    expect(mine.items.map((i) => i.id)).toContain(saved.id);
    expect((await ctx.as.moderator.datasets.mine({})).items.map((i) => i.id)).not.toContain(saved.id);
    await expect(ctx.as.anonymous.datasets.mine({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("refuses an oversized upload by its Content-Length before reading it, with the limit in the message", async () => {
    const before = await count();
    let pulled = 0;
    const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024 * 1024).fill(0x61));
        if (pulled >= 40) controller.close();
      },
    });
    const res = await upload(post("format=csv&name=Huge", body, { "content-length": String(40 * 1024 * 1024) }), ctx.as.users.member);
    expect(res.status).toBe(413);
    expect((await res.json()).error).toContain("10 MB limit");
    expect(pulled).toBeLessThanOrEqual(2); // the stream's own read-ahead at most
    expect(await count()).toBe(before);
  });

  it("counts a streamed body as it arrives, whatever its Content-Length says, and stops reading past the limit", async () => {
    const before = await count();
    let pulled = 0;
    const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024 * 1024).fill(0x61));
        if (pulled >= 40) controller.close();
      },
    });
    const res = await upload(post("format=jsonl&name=Huge", body, { "content-length": "1000" }), ctx.as.users.member);
    expect(res.status).toBe(413);
    expect((await res.json()).error).toContain("10 MB");
    expect(pulled).toBeLessThan(14);
    expect(await count()).toBe(before);
    await expect(uploadDataset(ctx.t.db, ctx.as.users.member, { name: "Huge", format: "csv", bytes: new Uint8Array(DATASET_LIMITS.maxBytes + 1), previewOnly: true })).rejects.toThrow(/10 MB limit/);
  });

  it("requires a Content-Length (411) and refuses a body shorter than it says (400): a cut-off file is never stored", async () => {
    const before = await count();
    const file = labelledCsv("length");
    const stream = () => new ReadableStream<Uint8Array<ArrayBuffer>>({ start: (c) => (c.enqueue(new Uint8Array(file)), c.close()) });
    const chunked = await upload(post("format=csv&name=Chunked", stream()), ctx.as.users.member);
    expect(chunked.status).toBe(411);
    expect((await chunked.json()).error).toMatch(/Content-Length/);
    const short = await upload(post("format=csv&name=Short", stream(), { "content-length": String(file.byteLength + 10) }), ctx.as.users.member);
    expect(short.status).toBe(400);
    expect((await short.json()).error).toMatch(/cut short/);
    expect(await count()).toBe(before);
  });

  it("refuses invalid files, names and requests with clear messages and true status codes, writing nothing", async () => {
    const before = await count();
    const bad = await upload(post("format=csv&name=Bad", "text,label\nonly one,good\n"), ctx.as.users.member);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/cannot be used/);
    const columns = await upload(post("format=csv&name=Bad", "foo,bar\n1,2\n"), ctx.as.users.member);
    expect((await columns.json()).error).toMatch(/text,label/);
    const nul = await upload(post("format=csv&name=Bad%00name", labelledCsv("nul")), ctx.as.users.member);
    expect(nul.status).toBe(400);
    expect((await nul.json()).error).toMatch(/control characters/);
    const format = await upload(post("format=xlsx&name=Bad", labelledCsv("xlsx")), ctx.as.users.member);
    expect(format.status).toBe(400);
    expect((await format.json()).error).toMatch(/"csv" or "jsonl"/);
    expect((await upload(post("format=csv&name=Empty", ""), ctx.as.users.member)).status).toBe(400);
    const anonymous = await upload(post("format=csv&name=Anon", labelledCsv("anon")), null);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: "Sign in to upload a data set." });
    expect(await count()).toBe(before);
  });

  it("counts the bytes of a person's data sets against their quota (429), and a moderator can raise it", async () => {
    const person = await createUser(ctx.t.db, "member");
    const first = labelledCsv("quota-1");
    await ctx.as.moderator.experiments.setQuota({ userId: person.id, maxDatasetBytes: first.byteLength + 10 });
    expect((await upload(post("format=csv&name=One", first), person)).status).toBe(201);
    const before = await count();
    const refused = await upload(post("format=csv&name=Two", labelledCsv("quota-2")), person);
    expect(refused.status).toBe(429);
    expect((await refused.json()).error).toMatch(/your limit is/);
    expect(await count()).toBe(before);
    // Re-uploading rows that exist costs nothing.
    expect((await upload(post("format=csv&name=One%20again", first), person)).status).toBe(200);
    await ctx.as.admin.experiments.setQuota({ userId: person.id, maxDatasetBytes: null });
    expect((await upload(post("format=csv&name=Two", labelledCsv("quota-2")), person)).status).toBe(201);
    expect((await callerFor(ctx.t.db, person).experiments.myQuota()).usage.datasetBytes).toBeGreaterThan(first.byteLength);
  });

  it("downloads the stored rows as CSV and JSONL that parse back to the same content", async () => {
    const csv = new TextEncoder().encode('text,label,domain\n"Lily said, ""hi"" at home",happy,home\n Leading space,sad,park\n"Two\nlines",happy,park\nSad again,sad,home\n');
    const saved = await uploadDataset(ctx.t.db, ctx.as.users.member, { name: "Quotes & commas!", format: "csv", bytes: csv, previewOnly: false });
    if (!saved.saved) throw new Error("not saved");
    const get = (q: string) => handleDatasetDownload(new Request(`http://localhost/api/datasets/${saved.id}/download${q}`), { db: ctx.t.db, id: String(saved.id) });
    const asCsv = await get("");
    expect(asCsv.status).toBe(200);
    expect(asCsv.headers.get("content-type")).toContain("text/csv");
    expect(asCsv.headers.get("content-disposition")).toBe('attachment; filename="Quotes-commas.csv"');
    const csvText = await asCsv.text();
    expect(csvText.split("\r\n")[0]).toBe("text,label,domain");
    const back = parseDatasetFile(new TextEncoder().encode(csvText), "csv");
    expect(back.ok && back.contentHash).toBe(saved.contentHash);
    const asJsonl = await get("?format=jsonl");
    const jsonlBack = parseDatasetFile(new TextEncoder().encode(await asJsonl.text()), "jsonl");
    expect(jsonlBack.ok && jsonlBack.contentHash).toBe(saved.contentHash);
    expect((await get("?format=xml")).status).toBe(400);
    expect((await handleDatasetDownload(new Request("http://localhost/api/datasets/999999/download"), { db: ctx.t.db, id: "999999" })).status).toBe(404);
    expect((await handleDatasetDownload(new Request("http://localhost/api/datasets/x/download"), { db: ctx.t.db, id: "x" })).status).toBe(400);
  });
});
