CREATE TYPE "public"."paper_review_status" AS ENUM('unreviewed', 'approved');--> statement-breakpoint
CREATE TABLE "author_aliases" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "author_aliases_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"alias" text NOT NULL,
	"created_by_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "papers" drop column "search";--> statement-breakpoint
ALTER TABLE "papers" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', mechmap_unaccent(coalesce("title", ''))), 'A') || setweight(to_tsvector('simple', mechmap_unaccent(mechmap_join_text("authors"))), 'B') || setweight(to_tsvector('english', mechmap_unaccent(coalesce("abstract", ''))), 'C')) STORED NOT NULL;--> statement-breakpoint
-- Dropping the column dropped its GIN index; rebuild it on the accent-folded vector.
CREATE INDEX "papers_search_idx" ON "papers" USING gin ("search");--> statement-breakpoint
ALTER TABLE "papers" ADD COLUMN "cite_key" text;--> statement-breakpoint
ALTER TABLE "papers" ADD COLUMN "dedupe_key" text;--> statement-breakpoint
ALTER TABLE "papers" ADD COLUMN "review_status" "paper_review_status" DEFAULT 'approved' NOT NULL;--> statement-breakpoint
ALTER TABLE "papers" ADD COLUMN "reviewed_by_id" text;--> statement-breakpoint
ALTER TABLE "papers" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "author_aliases" ADD CONSTRAINT "author_aliases_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "author_aliases_pair_uq" ON "author_aliases" USING btree ("name","alias");--> statement-breakpoint
CREATE INDEX "author_aliases_alias_idx" ON "author_aliases" USING btree ("alias");--> statement-breakpoint
ALTER TABLE "papers" ADD CONSTRAINT "papers_reviewed_by_id_users_id_fk" FOREIGN KEY ("reviewed_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "papers_cite_key_uq" ON "papers" USING btree ("cite_key");--> statement-breakpoint
CREATE INDEX "papers_dedupe_key_idx" ON "papers" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "papers_review_status_idx" ON "papers" USING btree ("review_status","created_at");