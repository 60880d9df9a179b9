-- array_to_string is only STABLE, and generated columns need IMMUTABLE expressions.
-- Joining a text[] with a fixed separator is immutable in fact, so we say so.
CREATE OR REPLACE FUNCTION mechmap_join_text(arr text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT array_to_string(arr, ' ') $$;
