import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { api } from "~/server/trpc/server-caller";
import { hasTrpcCode } from "../../_lib/server-errors";

/** The id from the URL; anything but a positive decimal integer is a 404. */
function parseId(raw: string): number | null {
  if (!/^[1-9][0-9]{0,9}$/.test(raw)) return null;
  const n = Number(raw);
  return n <= 2 ** 31 - 1 ? n : null;
}

/** One run and its chart data per request, shared by generateMetadata and the page; unknown or hidden runs are 404s before anything streams. */
export const loadRun = cache(async (rawId: string) => {
  const id = parseId(rawId);
  if (id === null) notFound();
  const caller = await api();
  try {
    const [run, charts] = await Promise.all([caller.runs.byId({ id }), caller.runs.charts({ id })]);
    return { ...run, charts };
  } catch (error) {
    if (hasTrpcCode(error, "NOT_FOUND") || hasTrpcCode(error, "BAD_REQUEST")) notFound();
    throw error;
  }
});
