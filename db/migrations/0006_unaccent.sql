-- Accent-folded search: "Gunther" finds "Günther". unaccent is a trusted extension (PostgreSQL ≥ 13),
-- so the database owner may create it. unaccent() itself is only STABLE (it reads a dictionary
-- chosen by search_path); naming the dictionary makes the result fixed, so the wrapper can be
-- IMMUTABLE and used in generated columns and indexes.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE OR REPLACE FUNCTION mechmap_unaccent(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, t) $$;
