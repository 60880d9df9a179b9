import { z } from "zod";

/**
 * Shared zod pieces for text that people type. Every user-facing string goes through these, so NUL
 * and other control characters are refused with a field message (PostgreSQL cannot store NUL, and
 * control characters have no place in names or titles), and text is stored NFC-normalised.
 */

// C0 controls except tab, line feed and carriage return; DEL; C1 controls; lone surrogates can't
// be stored as UTF-8 either.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Single-line fields also refuse line breaks and tabs.
// eslint-disable-next-line no-control-regex
const LINE_BREAK = /[\t\n\r\u2028\u2029]/;

export const CONTROL_CHARACTER_MESSAGE = "Remove the control characters (such as NUL) from this text.";

interface TextOptions {
  /** Shortest allowed length after trimming (0 allows empty). */
  min?: number;
  max: number;
  /** Message when shorter than `min`. */
  minMessage?: string;
  /** A name for the field in the "too long" message, e.g. "The title". */
  label?: string;
}

function tooLong(label: string | undefined, max: number): string {
  return `${label ?? "This text"} can be at most ${max.toLocaleString("en-US")} characters long.`;
}

function build(options: TextOptions, multiline: boolean) {
  return z
    .string()
    .max(options.max * 4, tooLong(options.label, options.max)) // checked before any work on a huge string
    .transform((s) => s.normalize("NFC").trim())
    .refine((s) => !CONTROL.test(s), CONTROL_CHARACTER_MESSAGE)
    .refine((s) => multiline || !LINE_BREAK.test(s), "Keep this on one line.")
    .refine((s) => s.length >= (options.min ?? 0), options.minMessage ?? `Write at least ${options.min ?? 0} characters.`)
    .refine((s) => s.length <= options.max, tooLong(options.label, options.max));
}

/** One line of text (names, titles, slugs' labels): trimmed, NFC, no control characters or line breaks. */
export const singleLine = (options: TextOptions) => build(options, false);

/** Text that may span lines (descriptions, abstracts, comments): trimmed, NFC, no control characters. */
export const multiLine = (options: TextOptions) => build(options, true);

/** True when a string holds characters the text schemas refuse. */
export function hasControlCharacters(s: string): boolean {
  return CONTROL.test(s);
}

/** A positive integer id that fits PostgreSQL's `integer` column (larger ids would make the query fail). */
export const idSchema = z
  .number({ message: "An id is a whole number." })
  .int("An id is a whole number.")
  .min(1, "An id is a positive whole number.")
  .max(2_147_483_647, "No record has an id this large.");
