import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "~/db/client";
import { datasets } from "~/db/schema";
import { notFound } from "../../errors";
import { idSchema } from "../../validation/text";
import { errorResponse, fileResponse, jsonResponse } from "./http-responses";
import { datasetFile, datasetFormatSchema } from "./store";

/** GET /api/datasets/:id/download[?format=csv|jsonl]: the stored rows, in the uploaded format by default. */
export async function handleDatasetDownload(req: Request, ctx: { db: Database; id: string }): Promise<Response> {
  try {
    const id = z.coerce.number().pipe(idSchema).safeParse(ctx.id);
    if (!id.success) return jsonResponse(400, { error: "A data set id is a positive whole number." });
    const requested = new URL(req.url).searchParams.get("format");
    const format = requested === null ? null : datasetFormatSchema.safeParse(requested);
    if (format && !format.success) return jsonResponse(400, { error: 'The format is "csv" or "jsonl".' });
    let chosen = format?.data;
    if (!chosen) {
      const [row] = await ctx.db.select({ format: datasets.format }).from(datasets).where(eq(datasets.id, id.data));
      if (!row) throw notFound(`Data set #${id.data}`);
      chosen = row.format === "jsonl" ? "jsonl" : "csv";
    }
    return fileResponse(await datasetFile(ctx.db, id.data, chosen));
  } catch (error) {
    return errorResponse(error, "GET /api/datasets/:id/download");
  }
}
