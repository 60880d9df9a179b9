import "server-only";
import { notFound, permanentRedirect } from "next/navigation";
import { cache } from "react";
import { api } from "~/server/trpc/server-caller";
import { hasTrpcCode } from "../../_lib/server-errors";

/** The history page from the URL (?history=2); anything malformed is page 1. */
export function historyPageParam(raw: string | string[] | undefined): number {
  const value = Array.isArray(raw) ? raw[0] : raw;
  const n = value && /^\d{1,5}$/.test(value) ? Number(value) : 1;
  return n >= 1 ? Math.min(n, 10_000) : 1;
}

/**
 * One technique per request, shared by generateMetadata and the page; unknown or malformed slugs
 * are 404s, and an old slug (renamed or merged away) answers a permanent redirect (308) to where
 * the technique lives now.
 */
export const loadTechnique = cache(async (slug: string, historyPage: number) => {
  const caller = await api();
  let data;
  try {
    data = await caller.taxonomy.technique({ slug, historyPage });
  } catch (error) {
    if (hasTrpcCode(error, "NOT_FOUND") || hasTrpcCode(error, "BAD_REQUEST")) notFound();
    throw error;
  }
  // Outside the try: permanentRedirect works by throwing.
  if (data.redirectedFrom !== null) permanentRedirect(`/techniques/${data.technique.slug}${historyPage > 1 ? `?history=${historyPage}` : ""}`);
  return data;
});
