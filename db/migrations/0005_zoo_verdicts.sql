CREATE TYPE "public"."run_verdict" AS ENUM('reproduced', 'partly', 'not_reproduced', 'unchecked');--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "n_heads" integer;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "n_kv_heads" integer;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "precision" text;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "base_model_id" integer;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "recipe" text;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "held_out_loss" real;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "verdict" "run_verdict";--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "verdict_details" jsonb;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "headline_metric" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "headline_value" real;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "headline_layer" integer;--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_base_model_id_models_id_fk" FOREIGN KEY ("base_model_id") REFERENCES "public"."models"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "runs_version_model_idx" ON "runs" USING btree ("version_id","model_id","attempt");