CREATE TYPE "public"."comment_target" AS ENUM('experiment', 'run', 'technique', 'paper');--> statement-breakpoint
CREATE TYPE "public"."dataset_kind" AS ENUM('labelled', 'pairs');--> statement-breakpoint
CREATE TYPE "public"."experiment_state" AS ENUM('draft', 'published');--> statement-breakpoint
CREATE TYPE "public"."run_status" AS ENUM('queued', 'running', 'done', 'failed', 'cancelled');--> statement-breakpoint
CREATE TABLE "comments" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "comments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"target_type" "comment_target" NOT NULL,
	"target_id" text NOT NULL,
	"parent_id" integer,
	"author_id" text NOT NULL,
	"body" text NOT NULL,
	"body_html" text,
	"body_render_error" text,
	"hidden" boolean DEFAULT false NOT NULL,
	"hidden_by_id" text,
	"deleted_at" timestamp with time zone,
	"edited_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "datasets" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "datasets_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"content_hash" text NOT NULL,
	"name" text NOT NULL,
	"kind" "dataset_kind" NOT NULL,
	"format" text NOT NULL,
	"bytes" integer NOT NULL,
	"rows" integer NOT NULL,
	"content" jsonb NOT NULL,
	"preview" jsonb NOT NULL,
	"owner_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "datasets_content_hash_unique" UNIQUE("content_hash")
);
--> statement-breakpoint
CREATE TABLE "experiment_version_papers" (
	"version_id" integer NOT NULL,
	"paper_id" integer NOT NULL,
	CONSTRAINT "experiment_version_papers_version_id_paper_id_pk" PRIMARY KEY("version_id","paper_id")
);
--> statement-breakpoint
CREATE TABLE "experiment_version_techniques" (
	"version_id" integer NOT NULL,
	"technique_id" integer NOT NULL,
	CONSTRAINT "experiment_version_techniques_version_id_technique_id_pk" PRIMARY KEY("version_id","technique_id")
);
--> statement-breakpoint
CREATE TABLE "experiment_versions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "experiment_versions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"experiment_id" integer NOT NULL,
	"version" integer NOT NULL,
	"author_id" text NOT NULL,
	"title" text NOT NULL,
	"question" text DEFAULT '' NOT NULL,
	"question_html" text,
	"question_render_error" text,
	"spec" jsonb NOT NULL,
	"dataset_id" integer,
	"claims" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"change_note" text DEFAULT '' NOT NULL,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "experiment_versions_number_uq" UNIQUE("experiment_id","version")
);
--> statement-breakpoint
CREATE TABLE "experiments" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "experiments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"owner_id" text NOT NULL,
	"state" "experiment_state" DEFAULT 'draft' NOT NULL,
	"latest_version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "run_artifacts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "run_artifacts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"run_id" integer NOT NULL,
	"name" text NOT NULL,
	"method_index" integer NOT NULL,
	"hook" text,
	"layer" integer,
	"shape" integer[] NOT NULL,
	"data" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"version_id" integer NOT NULL,
	"model_id" integer,
	"model_sha256" text NOT NULL,
	"engine_version" text NOT NULL,
	"run_key" text NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"requested_by_id" text,
	"status" "run_status" DEFAULT 'queued' NOT NULL,
	"stage" text,
	"percent" real DEFAULT 0 NOT NULL,
	"examples_done" integer DEFAULT 0 NOT NULL,
	"examples_total" integer,
	"current_layer" integer,
	"error" text,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"job_id" text,
	"worker" text,
	"metrics" jsonb,
	"metrics_sha256" text,
	"facts" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"duration_ms" bigint
);
--> statement-breakpoint
CREATE TABLE "user_quotas" (
	"user_id" text PRIMARY KEY NOT NULL,
	"max_queued_runs" integer,
	"max_dataset_bytes" bigint,
	"max_runs_per_day" integer,
	"updated_by_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_parent_id_comments_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."comments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_hidden_by_id_users_id_fk" FOREIGN KEY ("hidden_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiment_version_papers" ADD CONSTRAINT "experiment_version_papers_version_id_experiment_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."experiment_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiment_version_papers" ADD CONSTRAINT "experiment_version_papers_paper_id_papers_id_fk" FOREIGN KEY ("paper_id") REFERENCES "public"."papers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiment_version_techniques" ADD CONSTRAINT "experiment_version_techniques_version_id_experiment_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."experiment_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiment_version_techniques" ADD CONSTRAINT "experiment_version_techniques_technique_id_techniques_id_fk" FOREIGN KEY ("technique_id") REFERENCES "public"."techniques"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiment_versions" ADD CONSTRAINT "experiment_versions_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiment_versions" ADD CONSTRAINT "experiment_versions_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiment_versions" ADD CONSTRAINT "experiment_versions_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_artifacts" ADD CONSTRAINT "run_artifacts_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_version_id_experiment_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."experiment_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_requested_by_id_users_id_fk" FOREIGN KEY ("requested_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_quotas" ADD CONSTRAINT "user_quotas_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_quotas" ADD CONSTRAINT "user_quotas_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "comments_target_idx" ON "comments" USING btree ("target_type","target_id","created_at");--> statement-breakpoint
CREATE INDEX "comments_created_idx" ON "comments" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "datasets_owner_idx" ON "datasets" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "experiment_version_papers_paper_idx" ON "experiment_version_papers" USING btree ("paper_id");--> statement-breakpoint
CREATE INDEX "experiment_version_techniques_technique_idx" ON "experiment_version_techniques" USING btree ("technique_id");--> statement-breakpoint
CREATE INDEX "experiment_versions_dataset_idx" ON "experiment_versions" USING btree ("dataset_id");--> statement-breakpoint
CREATE INDEX "experiments_state_updated_idx" ON "experiments" USING btree ("state","updated_at");--> statement-breakpoint
CREATE INDEX "experiments_owner_idx" ON "experiments" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "run_artifacts_run_idx" ON "run_artifacts" USING btree ("run_id","method_index","layer");--> statement-breakpoint
CREATE UNIQUE INDEX "runs_key_attempt_uq" ON "runs" USING btree ("run_key","attempt");--> statement-breakpoint
CREATE INDEX "runs_version_idx" ON "runs" USING btree ("version_id","created_at");--> statement-breakpoint
CREATE INDEX "runs_model_idx" ON "runs" USING btree ("model_id");--> statement-breakpoint
CREATE INDEX "runs_status_idx" ON "runs" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "runs_requested_by_idx" ON "runs" USING btree ("requested_by_id","created_at");