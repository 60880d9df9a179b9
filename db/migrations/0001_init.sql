CREATE TYPE "public"."user_role" AS ENUM('member', 'moderator', 'admin');--> statement-breakpoint
CREATE TYPE "public"."technique_approach" AS ENUM('observational', 'interventional');--> statement-breakpoint
CREATE TYPE "public"."technique_direction" AS ENUM('bottom-up', 'top-down');--> statement-breakpoint
CREATE TYPE "public"."revision_status" AS ENUM('pending', 'accepted', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."technique_relation_kind" AS ENUM('kind_of', 'uses', 'alternative_to', 'evaluates');--> statement-breakpoint
CREATE TYPE "public"."technique_unit" AS ENUM('neuron', 'feature', 'direction', 'subspace', 'circuit', 'whole-model');--> statement-breakpoint
CREATE TYPE "public"."paper_relation" AS ENUM('introduces', 'applies', 'extends', 'critiques', 'evaluates', 'surveys');--> statement-breakpoint
CREATE TYPE "public"."model_status" AS ENUM('registered', 'downloading', 'compiling', 'ready', 'failed');--> statement-breakpoint
CREATE TABLE "accounts" (
	"user_id" text NOT NULL,
	"type" text NOT NULL,
	"provider" text NOT NULL,
	"provider_account_id" text NOT NULL,
	"refresh_token" text,
	"access_token" text,
	"expires_at" integer,
	"token_type" text,
	"scope" text,
	"id_token" text,
	CONSTRAINT "accounts_provider_provider_account_id_pk" PRIMARY KEY("provider","provider_account_id")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"session_token" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"expires" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sign_in_attempts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sign_in_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"email" text NOT NULL,
	"succeeded" boolean NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"email" text NOT NULL,
	"email_verified" timestamp with time zone,
	"image" text,
	"role" "user_role" DEFAULT 'member' NOT NULL,
	"password_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE "verification_tokens" (
	"identifier" text NOT NULL,
	"token" text NOT NULL,
	"expires" timestamp with time zone NOT NULL,
	CONSTRAINT "verification_tokens_identifier_token_pk" PRIMARY KEY("identifier","token")
);
--> statement-breakpoint
CREATE TABLE "technique_relations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "technique_relations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"from_id" integer NOT NULL,
	"to_id" integer NOT NULL,
	"kind" "technique_relation_kind" NOT NULL,
	CONSTRAINT "technique_relations_edge_uq" UNIQUE("from_id","to_id","kind"),
	CONSTRAINT "technique_relations_no_self_loop" CHECK ("technique_relations"."from_id" <> "technique_relations"."to_id")
);
--> statement-breakpoint
CREATE TABLE "technique_revisions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "technique_revisions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"technique_id" integer NOT NULL,
	"author_id" text NOT NULL,
	"message" text NOT NULL,
	"changes" jsonb NOT NULL,
	"before" jsonb NOT NULL,
	"status" "revision_status" DEFAULT 'pending' NOT NULL,
	"reviewer_id" text,
	"review_comment" text,
	"reviewed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "techniques" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "techniques_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"summary" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"aliases" text[] DEFAULT '{}'::text[] NOT NULL,
	"approach" "technique_approach",
	"direction" "technique_direction",
	"unit" "technique_unit",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce("name", '')), 'A') || setweight(to_tsvector('english', mechmap_join_text("aliases")), 'A') || setweight(to_tsvector('english', coalesce("summary", '')), 'B')) STORED NOT NULL,
	CONSTRAINT "techniques_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "paper_techniques" (
	"paper_id" integer NOT NULL,
	"technique_id" integer NOT NULL,
	"relation" "paper_relation" NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "paper_techniques_paper_id_technique_id_relation_pk" PRIMARY KEY("paper_id","technique_id","relation")
);
--> statement-breakpoint
CREATE TABLE "papers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "papers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"title" text NOT NULL,
	"authors" text[] NOT NULL,
	"year" integer,
	"venue" text,
	"abstract" text DEFAULT '' NOT NULL,
	"arxiv_id" text,
	"doi" text,
	"url" text,
	"bibtex" text,
	"created_by_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce("title", '')), 'A') || setweight(to_tsvector('simple', mechmap_join_text("authors")), 'B') || setweight(to_tsvector('english', coalesce("abstract", '')), 'C')) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "models_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"architecture" text,
	"parameter_count" bigint,
	"layers" integer,
	"d_model" integer,
	"vocab_size" integer,
	"context_length" integer,
	"source" text NOT NULL,
	"local_path" text,
	"sha256" text,
	"licence" text,
	"status" "model_status" DEFAULT 'registered' NOT NULL,
	"status_reason" text,
	"bytes_done" bigint,
	"bytes_total" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "models_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "technique_relations" ADD CONSTRAINT "technique_relations_from_id_techniques_id_fk" FOREIGN KEY ("from_id") REFERENCES "public"."techniques"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "technique_relations" ADD CONSTRAINT "technique_relations_to_id_techniques_id_fk" FOREIGN KEY ("to_id") REFERENCES "public"."techniques"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "technique_revisions" ADD CONSTRAINT "technique_revisions_technique_id_techniques_id_fk" FOREIGN KEY ("technique_id") REFERENCES "public"."techniques"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "technique_revisions" ADD CONSTRAINT "technique_revisions_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "technique_revisions" ADD CONSTRAINT "technique_revisions_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paper_techniques" ADD CONSTRAINT "paper_techniques_paper_id_papers_id_fk" FOREIGN KEY ("paper_id") REFERENCES "public"."papers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paper_techniques" ADD CONSTRAINT "paper_techniques_technique_id_techniques_id_fk" FOREIGN KEY ("technique_id") REFERENCES "public"."techniques"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "papers" ADD CONSTRAINT "papers_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accounts_user_idx" ON "accounts" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sign_in_attempts_email_at_idx" ON "sign_in_attempts" USING btree ("email","at");--> statement-breakpoint
CREATE INDEX "technique_relations_to_idx" ON "technique_relations" USING btree ("to_id");--> statement-breakpoint
CREATE INDEX "technique_revisions_technique_idx" ON "technique_revisions" USING btree ("technique_id","created_at");--> statement-breakpoint
CREATE INDEX "technique_revisions_status_idx" ON "technique_revisions" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "techniques_search_idx" ON "techniques" USING gin ("search");--> statement-breakpoint
CREATE INDEX "paper_techniques_technique_idx" ON "paper_techniques" USING btree ("technique_id");--> statement-breakpoint
CREATE UNIQUE INDEX "papers_arxiv_id_uq" ON "papers" USING btree ("arxiv_id");--> statement-breakpoint
CREATE UNIQUE INDEX "papers_doi_uq" ON "papers" USING btree ("doi");--> statement-breakpoint
CREATE INDEX "papers_search_idx" ON "papers" USING gin ("search");--> statement-breakpoint
CREATE INDEX "papers_year_idx" ON "papers" USING btree ("year");