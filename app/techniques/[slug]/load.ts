import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { api } from "~/server/trpc/server-caller";
import { hasTrpcCode } from "../../_lib/server-errors";

/** One technique per request, shared by generateMetadata and the page; unknown or malformed slugs are 404s. */
export const loadTechnique = cache(async (slug: string) => {
  const caller = await api();
  try {
    return await caller.taxonomy.technique({ slug });
  } catch (error) {
    if (hasTrpcCode(error, "NOT_FOUND") || hasTrpcCode(error, "BAD_REQUEST")) notFound();
    throw error;
  }
});
