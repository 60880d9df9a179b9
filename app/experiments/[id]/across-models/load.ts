import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import type { CrossModelState } from "~/server/services/cross-model/url-state";
import { api } from "~/server/trpc/server-caller";
import { hasTrpcCode } from "../../../_lib/server-errors";
import { experimentIdParam } from "../load";

/** Unknown experiments and versions, and drafts the viewer may not see, are 404s before anything streams. */
async function orNotFound<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (hasTrpcCode(error, "NOT_FOUND") || hasTrpcCode(error, "BAD_REQUEST")) notFound();
    throw error;
  }
}

// Plain arguments, so React's per-request cache recognises the same call from metadata and page.
const curves = cache(async (rawId: string, v: number | null, metric: string | null, hook: string | null) => {
  const id = experimentIdParam(rawId);
  const caller = await api();
  return orNotFound(() => caller.crossModel.curves({ id, version: v, metric, hook }));
});

const agreement = cache(async (rawId: string, v: number | null, a: string | null, b: string | null, hook: string | null) => {
  const id = experimentIdParam(rawId);
  const caller = await api();
  return orNotFound(() => caller.crossModel.agreement({ id, version: v, a, b, hook }));
});

/** The curves view's data for a URL state. */
export const loadCurves = (rawId: string, s: CrossModelState) => curves(rawId, s.v, s.metric, s.hook);

/** The agreement view's data for a URL state. */
export const loadAgreement = (rawId: string, s: CrossModelState) => agreement(rawId, s.v, s.a, s.b, s.hook);
