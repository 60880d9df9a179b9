import type { Database } from "~/db/client";
import { errorResponse } from "./datasets/http-responses";
import { listChanges, type ChangeItem } from "./changes-feed";
import { slugSchema } from "./technique-input";

/** Most entries in one Atom document: feed readers poll, and older changes are on /changes. */
export const ATOM_MAX_ENTRIES = 50;

/**
 * Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF):
 * dropped rather than escaped, since no escape makes them legal.
 */
const NOT_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** User text as XML character data or an attribute value: illegal characters dropped, markup characters escaped. */
export function xmlText(value: string): string {
  return value
    .replace(NOT_XML, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export interface AtomOptions {
  /** The site's origin, e.g. https://mechmap.example (no trailing slash). */
  origin: string;
  /** The technique the feed is limited to, if any. */
  technique: { slug: string; name: string } | null;
}

/** A stable, never-reused id for the feed and its entries (RFC 4151 tag URI on the site's host). */
function tagUri(origin: string, specific: string): string {
  return `tag:${new URL(origin).hostname},2026:mechmap/${specific}`;
}

function entryXml(item: ChangeItem, origin: string): string {
  const link = new URL(item.subject?.href ?? "/changes", origin).toString();
  const accepted = `Accepted by ${item.reviewerName ?? "a moderator"}${item.reviewComment ? `: “${item.reviewComment}”` : "."}`;
  const summary = `${item.message}\n\n${accepted}`;
  const updated = item.reviewedAt.toISOString();
  return [
    "  <entry>",
    `    <id>${xmlText(tagUri(origin, `${item.source}-revision/${item.revisionId}`))}</id>`,
    `    <title type="text">${xmlText(item.title)}</title>`,
    `    <updated>${updated}</updated>`,
    `    <author><name>${xmlText(item.authorName)}</name></author>`,
    ...(item.reviewerName ? [`    <contributor><name>${xmlText(item.reviewerName)}</name></contributor>`] : []),
    `    <link rel="alternate" type="text/html" href="${xmlText(link)}"/>`,
    `    <category term="${xmlText(item.kind)}"/>`,
    `    <summary type="text">${xmlText(summary)}</summary>`,
    "  </entry>",
  ].join("\n");
}

/** An Atom 1.0 document (RFC 4287) of accepted changes, newest first. */
export function atomFeed(items: ChangeItem[], options: AtomOptions): string {
  const { origin, technique } = options;
  const query = technique ? `?technique=${encodeURIComponent(technique.slug)}` : "";
  const self = `${origin}/changes/feed.xml${query}`;
  const page = `${origin}/changes${query}`;
  const title = technique ? `MechMap: changes to ‘${technique.name}’` : "MechMap: accepted changes";
  // An empty feed still needs <updated>; the epoch says "nothing yet" without changing on every poll.
  const updated = (items[0]?.reviewedAt ?? new Date(0)).toISOString();
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xmlText(tagUri(origin, technique ? `changes/technique/${technique.slug}` : "changes"))}</id>`,
    `  <title type="text">${xmlText(title)}</title>`,
    `  <subtitle type="text">Accepted edits, new techniques, relations, merges, renames and paper changes on MechMap.</subtitle>`,
    `  <updated>${updated}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(self)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(page)}"/>`,
    `  <generator>MechMap</generator>`,
    ...items.map((item) => entryXml(item, origin)),
    "</feed>",
    "",
  ].join("\n");
}

/** The site's origin for absolute links: NEXTAUTH_URL when set (the public address), else the request's. */
export function siteOrigin(req: Request, env: { NEXTAUTH_URL?: string } = process.env): string {
  const configured = env.NEXTAUTH_URL;
  if (configured) {
    try {
      return new URL(configured).origin;
    } catch {
      // A malformed setting falls back to the request's address.
    }
  }
  return new URL(req.url).origin;
}

const plain = (status: number, text: string) => new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });

/** GET /changes/feed.xml (optionally ?technique=slug): the newest accepted changes as Atom. */
export async function handleChangesAtom(req: Request, db: Database): Promise<Response> {
  try {
    const raw = new URL(req.url).searchParams.get("technique");
    const slug = raw === null ? undefined : slugSchema.safeParse(raw);
    if (slug && !slug.success) return plain(400, "That is not a technique's slug (lowercase letters, digits and hyphens).");
    const page = await listChanges(db, { technique: slug?.data, limit: ATOM_MAX_ENTRIES });
    if (!page) return plain(404, `No technique is called “${slug?.data ?? ""}”.`);
    return new Response(atomFeed(page.items, { origin: siteOrigin(req), technique: page.technique }), {
      status: 200,
      headers: { "content-type": "application/atom+xml; charset=utf-8", "cache-control": "no-cache", "x-content-type-options": "nosniff" },
    });
  } catch (error) {
    return errorResponse(error, "GET /changes/feed.xml");
  }
}
