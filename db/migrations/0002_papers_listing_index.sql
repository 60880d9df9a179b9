DROP INDEX "papers_year_idx";--> statement-breakpoint
CREATE INDEX "papers_listing_idx" ON "papers" USING btree ("year" DESC NULLS LAST,"title","id");