import { bigint, integer, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const MODEL_STATUSES = ["registered", "downloading", "compiling", "ready", "failed"] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];
export const modelStatus = pgEnum("model_status", MODEL_STATUSES);

/** Hosted models that workers can run. Architecture facts are read from the weights, not typed in. */
export const models = pgTable("models", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  name: text("name").notNull().unique(),
  architecture: text("architecture"),
  parameterCount: bigint("parameter_count", { mode: "number" }),
  layers: integer("layers"),
  dModel: integer("d_model"),
  vocabSize: integer("vocab_size"),
  contextLength: integer("context_length"),
  /** Local path, `hf:<org>/<repo>[/<file>]`, or an http(s) URL. */
  source: text("source").notNull(),
  /** Where the weights live on this machine once downloaded. */
  localPath: text("local_path"),
  sha256: text("sha256"),
  licence: text("licence"),
  status: modelStatus("status").notNull().default("registered"),
  /** Why the model failed, in words a user can act on. */
  statusReason: text("status_reason"),
  bytesDone: bigint("bytes_done", { mode: "number" }),
  bytesTotal: bigint("bytes_total", { mode: "number" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
