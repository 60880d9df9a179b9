import { index, integer, jsonb, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { models } from "./models";
import { users } from "./users";

export const STEER_STATUSES = ["queued", "running", "done", "failed"] as const;
export type SteerStatus = (typeof STEER_STATUSES)[number];
export const steerStatus = pgEnum("steer_status", STEER_STATUSES);

/**
 * One steered generation on the /steer page: default, steered and random-direction continuations of
 * a prompt. Stored under the sha256 of its canonical parameters (server/services/steer/params.ts), so
 * the same parameters always return the same row — the permalink /steer/<id>.
 */
export const steerResults = pgTable(
  "steer_results",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    paramsHash: text("params_hash").notNull().unique(),
    /** The canonical parameters (SteerParams): model, engine version, prompt, direction, layer, strength, budget, sampling and seed. */
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    modelId: integer("model_id").references(() => models.id, { onDelete: "set null" }),
    requestedById: text("requested_by_id").references(() => users.id, { onDelete: "set null" }),
    status: steerStatus("status").notNull().default("queued"),
    /** Tokens generated so far per stream while running (SteerPartial), written by the worker as it goes. */
    partial: jsonb("partial").$type<Record<string, unknown>>(),
    /** The finished continuations, tokens, log-probs and the scale used (SteerResult). */
    result: jsonb("result").$type<Record<string, unknown>>(),
    /** Why it failed, in words a person can act on. */
    error: text("error"),
    jobId: text("job_id"),
    worker: text("worker"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("steer_results_requested_by_idx").on(t.requestedById, t.createdAt), index("steer_results_status_idx").on(t.status, t.createdAt)],
);
