CREATE TYPE "public"."steer_status" AS ENUM('queued', 'running', 'done', 'failed');--> statement-breakpoint
CREATE TABLE "steer_results" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "steer_results_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"params_hash" text NOT NULL,
	"params" jsonb NOT NULL,
	"model_id" integer,
	"requested_by_id" text,
	"status" "steer_status" DEFAULT 'queued' NOT NULL,
	"partial" jsonb,
	"result" jsonb,
	"error" text,
	"job_id" text,
	"worker" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "steer_results_params_hash_unique" UNIQUE("params_hash")
);
--> statement-breakpoint
ALTER TABLE "steer_results" ADD CONSTRAINT "steer_results_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "steer_results" ADD CONSTRAINT "steer_results_requested_by_id_users_id_fk" FOREIGN KEY ("requested_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "steer_results_requested_by_idx" ON "steer_results" USING btree ("requested_by_id","created_at");--> statement-breakpoint
CREATE INDEX "steer_results_status_idx" ON "steer_results" USING btree ("status","created_at");