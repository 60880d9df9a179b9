import { z } from "zod";
import { citationsSchema } from "./markdown-citations";

/**
 * What the render worker is asked: the text, and (when the caller resolved them) the papers its
 * citations name. Without `citations`, `[@key]` is left as written.
 */
export const markdownTaskSchema = z.object({
  text: z.string(),
  citations: citationsSchema.optional(),
});
export type MarkdownTask = z.infer<typeof markdownTaskSchema>;
