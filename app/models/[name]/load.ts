import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { api } from "~/server/trpc/server-caller";
import { hasTrpcCode } from "../../_lib/server-errors";

/** The runs page from the URL (?page=2); anything malformed is page 1. */
export function pageParam(raw: string | string[] | undefined): number {
  const value = Array.isArray(raw) ? raw[0] : raw;
  const n = value && /^\d{1,5}$/.test(value) ? Number(value) : 1;
  return n >= 1 ? Math.min(n, 10_000) : 1;
}

/** One model per request, shared by generateMetadata and the page; unknown or malformed names are 404s. */
export const loadModel = cache(async (name: string, page: number) => {
  const caller = await api();
  try {
    return await caller.models.byName({ name, page });
  } catch (error) {
    if (hasTrpcCode(error, "NOT_FOUND") || hasTrpcCode(error, "BAD_REQUEST")) notFound();
    throw error;
  }
});
