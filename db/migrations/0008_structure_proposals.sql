CREATE TYPE "public"."revision_kind" AS ENUM('edit', 'create', 'relations', 'merge', 'rename');--> statement-breakpoint
CREATE TYPE "public"."paper_revision_kind" AS ENUM('metadata', 'link', 'unlink');--> statement-breakpoint
ALTER TYPE "public"."technique_relation_kind" ADD VALUE 'refines';--> statement-breakpoint
ALTER TYPE "public"."comment_target" ADD VALUE 'revision';--> statement-breakpoint
ALTER TYPE "public"."comment_target" ADD VALUE 'paper_revision';--> statement-breakpoint
CREATE TABLE "technique_slug_redirects" (
	"slug" text PRIMARY KEY NOT NULL,
	"technique_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "technique_watches" (
	"user_id" text NOT NULL,
	"technique_id" integer NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "technique_watches_user_id_technique_id_pk" PRIMARY KEY("user_id","technique_id")
);
--> statement-breakpoint
CREATE TABLE "paper_revisions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "paper_revisions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"paper_id" integer NOT NULL,
	"kind" "paper_revision_kind" NOT NULL,
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
ALTER TABLE "technique_revisions" ALTER COLUMN "technique_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "technique_revisions" ADD COLUMN "kind" "revision_kind" DEFAULT 'edit' NOT NULL;--> statement-breakpoint
ALTER TABLE "technique_slug_redirects" ADD CONSTRAINT "technique_slug_redirects_technique_id_techniques_id_fk" FOREIGN KEY ("technique_id") REFERENCES "public"."techniques"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "technique_watches" ADD CONSTRAINT "technique_watches_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "technique_watches" ADD CONSTRAINT "technique_watches_technique_id_techniques_id_fk" FOREIGN KEY ("technique_id") REFERENCES "public"."techniques"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paper_revisions" ADD CONSTRAINT "paper_revisions_paper_id_papers_id_fk" FOREIGN KEY ("paper_id") REFERENCES "public"."papers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paper_revisions" ADD CONSTRAINT "paper_revisions_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paper_revisions" ADD CONSTRAINT "paper_revisions_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "technique_watches_technique_idx" ON "technique_watches" USING btree ("technique_id");--> statement-breakpoint
CREATE INDEX "paper_revisions_paper_idx" ON "paper_revisions" USING btree ("paper_id","created_at");--> statement-breakpoint
CREATE INDEX "paper_revisions_status_idx" ON "paper_revisions" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "technique_revisions_reviewed_idx" ON "technique_revisions" USING btree ("status","reviewed_at");