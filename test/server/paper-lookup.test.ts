import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { newPaperSchema } from "../../server/services/paper-input";
import { lookUpPaper, MetadataLookupError, parseIdentifier, type LookedUpPaper, type LookupSettings } from "../../server/services/papers/metadata-lookup";
import { jatsToText } from "../../server/services/papers/metadata-lookup/crossref";
import { parseXml, XmlError } from "../../server/services/papers/metadata-lookup/xml";
import { createCallerFactory, createTRPCRouter } from "../../server/trpc/init";
import { paperLookupRouter } from "../../server/trpc/routers/paper-lookup";
import { testIp, useDatabaseWithRoles } from "../setup/callers";

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "paper-lookup");
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");

/** Requests the fake services saw, newest last. */
const seen: Array<{ url: string; userAgent: string }> = [];

/**
 * The fake arXiv and Crossref: the first path segment picks a behaviour ("ok", "hang", "malformed",
 * …), the rest is the real API's path, answered from the recorded fixtures.
 */
function answer(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  seen.push({ url: url.pathname + url.search, userAgent: req.headers["user-agent"] ?? "" });
  const [, mode = "", ...rest] = url.pathname.split("/");
  const apiPath = `/${rest.join("/")}`;
  const send = (status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
    res.end(body);
  };
  switch (mode) {
    case "hang":
      return; // never answers
    case "hang-body":
      res.writeHead(200, { "content-type": "application/atom+xml" });
      res.write("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'>"); // …and never finishes
      return;
    case "huge":
      return send(200, "application/json", Buffer.alloc(300 * 1024, 0x20));
    case "huge-chunked": {
      res.writeHead(200, { "content-type": "application/json" }); // no length: the cap must stop the stream
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 400 && res.write(chunk)) sent++;
        if (sent < 400 && !res.destroyed) res.once("drain", pump);
        else res.end();
      };
      pump();
      return;
    }
    case "malformed":
      return send(200, "application/atom+xml", "<feed><entry><title>Refusal</entry></feed>{not json");
    case "wrong-shape":
      return send(200, "application/json", JSON.stringify({ status: "ok", message: { title: "not a list" } }));
    case "doctype":
      return send(200, "application/atom+xml", `<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">]><feed xmlns="http://www.w3.org/2005/Atom">&a;</feed>`);
    case "busy":
      return send(503, "text/plain", "Rate exceeded.");
    case "ok":
      break;
    default:
      return send(500, "text/plain", "unknown mode");
  }
  if (apiPath === "/api/query") {
    const id = url.searchParams.get("id_list") ?? "";
    if (id === "2406.11717") return send(200, "application/atom+xml; charset=utf-8", fixture("arxiv-2406.11717.xml"));
    if (id === "0710.2073") return send(200, "application/atom+xml; charset=utf-8", fixture("arxiv-math-title.xml"));
    if (id === "2401.99998") return send(400, "application/atom+xml; charset=utf-8", fixture("arxiv-error.xml"));
    return send(200, "application/atom+xml; charset=utf-8", fixture("arxiv-empty.xml"));
  }
  const work = /^\/works\/(.+)$/.exec(apiPath);
  if (work?.[1]) {
    const doi = decodeURIComponent(work[1]).toLowerCase();
    if (doi === "10.1162/coli_a_00422") return send(200, "application/json", fixture("crossref-10.1162-coli_a_00422.json"));
    if (doi === "10.18653/v1/d19-1275") return send(200, "application/json", fixture("crossref-10.18653-v1-d19-1275.json"));
    return send(404, "text/plain", "Resource not found.");
  }
  return send(404, "text/plain", "no such path");
}

let server: Server;
let base = "";
/** A port nothing listens on: connections are refused (the offline case). */
let closedPort = 0;

function listen(s: Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, "127.0.0.1", () => resolve((s.address() as AddressInfo).port)));
}

beforeAll(async () => {
  server = createServer(answer);
  base = `http://127.0.0.1:${await listen(server)}`;
  const probe = createServer();
  closedPort = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
});

function settings(mode: string, over: Partial<LookupSettings> = {}): LookupSettings {
  return { arxivUrl: `${base}/${mode}/api/query`, crossrefUrl: `${base}/${mode}`, mailto: "curators@mechmap.test", timeoutMs: 2_000, maxBytes: 64 * 1024, ...over };
}

async function failure(promise: Promise<unknown>): Promise<MetadataLookupError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MetadataLookupError) return error;
    throw error;
  }
  throw new Error("the look-up did not fail");
}

const arxiv = (id: string) => ({ kind: "arxiv", id }) as const;
const doi = (d: string) => ({ kind: "doi", doi: d }) as const;

describe("identifiers", () => {
  it("reads arXiv ids and DOIs in the forms people paste", () => {
    expect(parseIdentifier("https://arxiv.org/abs/2406.11717v2")).toEqual(arxiv("2406.11717"));
    expect(parseIdentifier("arXiv:2406.11717")).toEqual(arxiv("2406.11717"));
    expect(parseIdentifier("hep-th/9901001")).toEqual(arxiv("hep-th/9901001"));
    expect(parseIdentifier("https://doi.org/10.1162/COLI_a_00422")).toEqual(doi("10.1162/coli_a_00422"));
    expect(parseIdentifier("doi:10.18653/v1/D19-1275")).toEqual(doi("10.18653/v1/d19-1275"));
    // arXiv's own DOIs are looked up on arXiv
    expect(parseIdentifier("https://doi.org/10.48550/arXiv.2406.11717")).toEqual(arxiv("2406.11717"));
    expect(parseIdentifier("refusal paper")).toBeNull();
  });
});

describe("arXiv", () => {
  it("fills the fields from the recorded Atom feed", async () => {
    const paper = await lookUpPaper(arxiv("2406.11717"), settings("ok"));
    expect(paper).toMatchObject({
      source: "arxiv",
      title: "Refusal in Language Models Is Mediated by a Single Direction",
      authors: ["Andy Arditi", "Oscar Obeso", "Aaquib Syed", "Daniel Paleka", "Nina Panickssery", "Wes Gurnee", "Neel Nanda"],
      year: 2024,
      venue: "NeurIPS 2024",
      arxivId: "2406.11717",
      doi: null,
      primaryCategory: "cs.LG",
    });
    // hard-wrapped lines joined, nothing lost at either end
    expect(paper.abstract).toMatch(/^Conversational large language models are fine-tuned for both instruction-following and safety, resulting/);
    expect(paper.abstract).toMatch(/for controlling model behavior\.$/);
    expect(paper.abstract).not.toContain("\n");
    expect(seen.at(-1)?.url).toBe("/ok/api/query?id_list=2406.11717&max_results=1");
  });

  it("reads the older layout: maths kept in the title, namespaces declared per element, the DOI", async () => {
    const paper = await lookUpPaper(arxiv("0710.2073"), settings("ok"));
    expect(paper.title).toBe("On coincidence of Alday-Maldacena-regularized $\\sigma$-model and Nambu-Goto areas of minimal surfaces");
    expect(paper).toMatchObject({ authors: ["A. Popolitov"], year: 2007, doi: "10.1134/s0021364007210011", primaryCategory: "hep-th" });
  });

  it("says arXiv has no such paper for an empty feed and for arXiv's Error entry", async () => {
    const missing = await failure(lookUpPaper(arxiv("2401.99999"), settings("ok")));
    expect(missing).toMatchObject({ reason: "not_found", message: "arXiv has no paper 2401.99999." });
    const unreadable = await failure(lookUpPaper(arxiv("2401.99998"), settings("ok")));
    expect(unreadable).toMatchObject({ reason: "not_found", message: "arXiv has no paper 2401.99998." });
  });

  it("refuses malformed XML and a document type declaration (no entity expansion)", async () => {
    expect(await failure(lookUpPaper(arxiv("2406.11717"), settings("malformed")))).toMatchObject({ reason: "malformed", message: expect.stringMatching(/fill in the fields by hand/i) });
    expect(await failure(lookUpPaper(arxiv("2406.11717"), settings("doctype")))).toMatchObject({ reason: "malformed" });
  });

  it("says so when arXiv is busy", async () => {
    expect(await failure(lookUpPaper(arxiv("2406.11717"), settings("busy")))).toMatchObject({ reason: "upstream", message: expect.stringContaining("busy") });
  });
});

describe("Crossref", () => {
  it("fills a journal article, with the JATS abstract as text and a polite User-Agent", async () => {
    const paper = await lookUpPaper(doi("10.1162/coli_a_00422"), settings("ok"));
    expect(paper).toMatchObject({
      source: "crossref",
      title: "Probing Classifiers: Promises, Shortcomings, and Advances",
      authors: ["Yonatan Belinkov"],
      year: 2022,
      venue: "Computational Linguistics",
      doi: "10.1162/coli_a_00422",
      arxivId: null,
    });
    expect(paper.abstract).toMatch(/^Probing classifiers have emerged/);
    expect(paper.abstract).toContain("simple—a classifier is trained to predict some linguistic property from a model’s representations—and");
    expect(paper.abstract).not.toMatch(/<|jats|^Abstract/);
    const request = seen.at(-1);
    expect(request?.url).toBe("/ok/works/10.1162%2Fcoli_a_00422?mailto=curators%40mechmap.test");
    expect(request?.userAgent).toContain("mailto:curators@mechmap.test");
  });

  it("fills a proceedings article with a year-only date and no abstract", async () => {
    const paper = await lookUpPaper(doi("10.18653/v1/d19-1275"), settings("ok"));
    expect(paper).toMatchObject({ title: "Designing and Interpreting Probes with Control Tasks", authors: ["John Hewitt", "Percy Liang"], year: 2019, abstract: "" });
    expect(paper.venue).toMatch(/^Proceedings of the 2019 Conference on Empirical Methods/);
  });

  it("says Crossref has no record for a 404", async () => {
    expect(await failure(lookUpPaper(doi("10.1234/nope"), settings("ok")))).toMatchObject({ reason: "not_found", message: expect.stringContaining("10.1234/nope") });
  });

  it("refuses malformed JSON and JSON of another shape", async () => {
    expect(await failure(lookUpPaper(doi("10.1162/coli_a_00422"), settings("malformed")))).toMatchObject({ reason: "malformed" });
    expect(await failure(lookUpPaper(doi("10.1162/coli_a_00422"), settings("wrong-shape")))).toMatchObject({ reason: "malformed" });
  });

  it("turns JATS into paragraphs", () => {
    expect(jatsToText("<jats:title>Abstract</jats:title><jats:p>One &amp; <jats:italic>two</jats:italic>.</jats:p>\n<jats:p>Three.</jats:p>")).toBe("One & two.\n\nThree.");
  });
});

describe("network failures", () => {
  it("stops reading a body over the cap, with or without a declared length", async () => {
    expect(await failure(lookUpPaper(doi("10.1162/coli_a_00422"), settings("huge")))).toMatchObject({ reason: "too_large" });
    expect(await failure(lookUpPaper(doi("10.1162/coli_a_00422"), settings("huge-chunked")))).toMatchObject({ reason: "too_large" });
  });

  it("gives up on a server that never answers, or never finishes its answer", async () => {
    const silent = await failure(lookUpPaper(arxiv("2406.11717"), settings("hang", { timeoutMs: 300 })));
    expect(silent).toMatchObject({ reason: "timeout", message: expect.stringMatching(/^arXiv did not answer/) });
    const stalled = await failure(lookUpPaper(arxiv("2406.11717"), settings("hang-body", { timeoutMs: 300 })));
    expect(stalled).toMatchObject({ reason: "timeout" });
  });

  it("says the service could not be reached when nothing listens (offline)", async () => {
    const offline = { arxivUrl: `http://127.0.0.1:${closedPort}/api/query`, crossrefUrl: `http://127.0.0.1:${closedPort}` };
    expect(await failure(lookUpPaper(arxiv("2406.11717"), settings("ok", offline)))).toMatchObject({
      reason: "unreachable",
      message: "Could not reach arXiv (offline?). Fill in the fields by hand.",
    });
    expect(await failure(lookUpPaper(doi("10.1162/coli_a_00422"), settings("ok", offline)))).toMatchObject({
      reason: "unreachable",
      message: "Could not reach Crossref (offline?). Fill in the fields by hand.",
    });
  });
});

describe("the XML reader", () => {
  it.each([
    ["mismatched tags", "<a><b></a></b>"],
    ["an unknown entity", "<a>&nbsp;</a>"],
    ["an undeclared prefix", "<x:a/>"],
    ["two roots", "<a/><b/>"],
    ["deep nesting", `${"<a>".repeat(100)}${"</a>".repeat(100)}`],
  ])("refuses %s", (_name, xml) => {
    expect(() => parseXml(xml)).toThrow(XmlError);
  });

  it("reads CDATA, numeric entities and attributes", () => {
    const root = parseXml(`<r xmlns="urn:x" a='1 &amp; 2'><![CDATA[<raw>]]>&#x3b1;&#946;</r>`);
    expect(root).toMatchObject({ name: "r", ns: "urn:x", attributes: { a: "1 & 2" }, children: ["<raw>", "αβ"] });
  });
});

describe("papers.lookup (router)", () => {
  const ctx = useDatabaseWithRoles();
  const call = createCallerFactory(createTRPCRouter({ paperLookup: paperLookupRouter }));
  const saved = { ...process.env };
  beforeAll(() => {
    process.env.MECHMAP_ARXIV_API_URL = `${base}/ok/api/query`;
    process.env.MECHMAP_CROSSREF_API_URL = `${base}/ok`;
  });
  afterAll(() => {
    for (const key of ["MECHMAP_ARXIV_API_URL", "MECHMAP_CROSSREF_API_URL"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });
  const as = (user: typeof ctx.as.users.member | null, ip = testIp()) => call({ db: ctx.t.db, getUser: async () => user, clientIp: ip }).paperLookup;

  it("fills a form a member can submit as is", async () => {
    const paper: LookedUpPaper = await as(ctx.as.users.member).lookup({ identifier: "https://arxiv.org/abs/2406.11717v3" });
    expect(paper.title).toBe("Refusal in Language Models Is Mediated by a Single Direction");
    const form = newPaperSchema.safeParse({ ...paper, links: [] });
    expect(form.success).toBe(true);
    const crossref = await as(ctx.as.users.member).lookup({ identifier: "10.1162/coli_a_00422" });
    expect(newPaperSchema.safeParse({ ...crossref, links: [] }).success).toBe(true);
  });

  it("is for members only", async () => {
    await expect(as(null).lookup({ identifier: "2406.11717" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("answers with people's words: not an identifier, no such paper, offline", async () => {
    await expect(as(ctx.as.users.member).lookup({ identifier: "the refusal paper" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("neither an arXiv id") });
    await expect(as(ctx.as.users.member).lookup({ identifier: "2401.99999" })).rejects.toMatchObject({ code: "NOT_FOUND", message: "arXiv has no paper 2401.99999." });
    process.env.MECHMAP_ARXIV_API_URL = `http://127.0.0.1:${closedPort}/api/query`;
    try {
      await expect(as(ctx.as.users.member).lookup({ identifier: "2406.11717" })).rejects.toMatchObject({ code: "BAD_GATEWAY", message: "Could not reach arXiv (offline?). Fill in the fields by hand." });
    } finally {
      process.env.MECHMAP_ARXIV_API_URL = `${base}/ok/api/query`;
    }
  });

  it("limits how often one member can look papers up", async () => {
    const member = as(ctx.as.users.moderator);
    let refused: unknown = null;
    for (let i = 0; i < 40 && !refused; i++) {
      try {
        await member.lookup({ identifier: "2406.11717" });
      } catch (error) {
        refused = error;
      }
    }
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.stringContaining("paper look-ups") });
    // 30 allowed in the window, the 31st refused: the service was asked exactly 30 times.
    expect(seen.filter((r) => r.url.includes("2406.11717"))).toHaveLength(30);
  });
});
