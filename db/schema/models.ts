import { type AnyPgColumn, bigint, integer, pgEnum, pgTable, real, text, timestamp } from "drizzle-orm/pg-core";

export const MODEL_STATUSES = ["registered", "downloading", "compiling", "ready", "failed"] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];
export const modelStatus = pgEnum("model_status", MODEL_STATUSES);

/** Weight precision of a hosted model; lower-precision variants are converted from an f32 model. */
export const MODEL_PRECISIONS = ["f32", "f16", "bf16", "q8_0", "mixed"] as const;
export type ModelPrecision = (typeof MODEL_PRECISIONS)[number];

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
  nHeads: integer("n_heads"),
  nKvHeads: integer("n_kv_heads"),
  /** Weight precision as stored (read from the weights), e.g. "f32" or "q8_0". */
  precision: text("precision"),
  /** For a precision variant: the model it was converted from. */
  baseModelId: integer("base_model_id").references((): AnyPgColumn => models.id, { onDelete: "set null" }),
  /** Models trained by one recipe (same shape and data, different seeds) share this; the seed baseline pairs them. */
  recipe: text("recipe"),
  /** Mean next-token loss (nats/token) on held-out text, where the model's publisher gives it. */
  heldOutLoss: real("held_out_loss"),
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
