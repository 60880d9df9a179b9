import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { api } from "~/server/trpc/server-caller";
import { hasTrpcCode } from "../../_lib/server-errors";

/** "12" → 12; anything else is not an experiment (404). */
export function experimentIdParam(raw: string): number {
  const id = /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) notFound();
  return id;
}

/** "?version=3" → 3; malformed → undefined (the latest version). */
export function versionParam(raw: string | string[] | undefined): number | undefined {
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (!v || !/^\d{1,6}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= 1 && n <= 100_000 ? n : undefined;
}

/** One experiment version per request, shared by generateMetadata and the page; missing or hidden ones are 404s. */
export const loadExperiment = cache(async (rawId: string, version: number | undefined) => {
  const id = experimentIdParam(rawId);
  const caller = await api();
  try {
    return await caller.experiments.byId({ id, version });
  } catch (error) {
    if (hasTrpcCode(error, "NOT_FOUND") || hasTrpcCode(error, "BAD_REQUEST")) notFound();
    throw error;
  }
});
