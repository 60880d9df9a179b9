import { z } from "zod";

/**
 * Messages for zod's own checks, written for people: zod's defaults ("Too big: expected string to
 * have <=100 characters") reach forms whenever a schema gives no message of its own. A schema's own
 * message still wins (zod asks it first). Messages speak of "this" field: a form shows them under
 * the field's label, and the summary (`readableZodMessage`) puts the field's name in front.
 */

type RawIssue = z.core.$ZodRawIssue;

const count = (n: number | bigint) => (typeof n === "bigint" ? n.toLocaleString("en-US") : n.toLocaleString("en-US"));
const plural = (n: number | bigint, one: string, many: string) => `${count(n)} ${Number(n) === 1 ? one : many}`;

/** "a whole number", "text", … for invalid_type. */
function kindOf(expected: unknown): string {
  switch (expected) {
    case "string":
      return "text";
    case "number":
    case "int":
      return "a number";
    case "boolean":
      return "yes or no";
    case "array":
      return "a list";
    case "object":
      return "a group of fields";
    case "date":
      return "a date";
    default:
      return "a value of another kind";
  }
}

function tooBig(issue: RawIssue): string {
  const max = issue.maximum as number | bigint;
  const exclusive = issue.inclusive === false;
  switch (issue.origin) {
    case "string":
      return `Too long: at most ${plural(exclusive ? Number(max) - 1 : max, "character", "characters")}.`;
    case "array":
    case "set":
      return `Too many: at most ${plural(exclusive ? Number(max) - 1 : max, "item", "items")}.`;
    case "file":
      return `The file is too large: at most ${count(max)} bytes.`;
    case "date":
      return `Choose a date ${exclusive ? "before" : "no later than"} ${new Date(Number(max)).toISOString().slice(0, 10)}.`;
    default:
      return exclusive ? `Must be less than ${count(max)}.` : `Must be at most ${count(max)}.`;
  }
}

function tooSmall(issue: RawIssue): string {
  const min = issue.minimum as number | bigint;
  const exclusive = issue.inclusive === false;
  switch (issue.origin) {
    case "string":
      return Number(min) <= 1 && !exclusive ? "Required: this cannot be empty." : `Too short: at least ${plural(exclusive ? Number(min) + 1 : min, "character", "characters")}.`;
    case "array":
    case "set":
      return Number(min) <= 1 && !exclusive ? "Add at least one." : `Too few: at least ${plural(exclusive ? Number(min) + 1 : min, "item", "items")}.`;
    case "date":
      return `Choose a date ${exclusive ? "after" : "no earlier than"} ${new Date(Number(min)).toISOString().slice(0, 10)}.`;
    default:
      return exclusive ? `Must be more than ${count(min)}.` : `Must be at least ${count(min)}.`;
  }
}

function invalidFormat(issue: RawIssue): string {
  switch (issue.format) {
    case "email":
      return "Enter an email address, like name@example.org.";
    case "url":
      return "Enter a web address, like https://example.org/page.";
    case "uuid":
    case "guid":
      return "This is not a valid identifier.";
    case "datetime":
    case "date":
    case "time":
    case "duration":
      return "Enter a valid date or time.";
    case "starts_with":
      return `Must start with “${String(issue.prefix)}”.`;
    case "ends_with":
      return `Must end with “${String(issue.suffix)}”.`;
    case "includes":
      return `Must contain “${String(issue.includes)}”.`;
    default:
      return "This is not in the expected format.";
  }
}

function describeValue(v: unknown): string {
  return typeof v === "string" ? `“${v}”` : String(v);
}

/** zod's error map for checks without a message of their own. */
export function humanZodMessage(issue: RawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined || issue.input === null ? "Required." : `Expected ${kindOf(issue.expected)} here.`;
    case "too_big":
      return tooBig(issue);
    case "too_small":
      return tooSmall(issue);
    case "invalid_format":
      return invalidFormat(issue);
    case "not_multiple_of":
      return `Must be a multiple of ${String(issue.divisor)}.`;
    case "invalid_value": {
      const values = Array.isArray(issue.values) ? (issue.values as unknown[]) : [];
      if (values.length === 1) return `Must be ${describeValue(values[0])}.`;
      return values.length > 0 && values.length <= 8 ? `Choose one of ${values.map(describeValue).join(", ")}.` : "Choose one of the listed options.";
    }
    case "unrecognized_keys": {
      const keys = Array.isArray(issue.keys) ? (issue.keys as unknown[]).map(String) : [];
      return keys.length === 1 ? `“${keys[0]}” is not a field that can be set here.` : `${keys.map((k) => `“${k}”`).join(", ")} are not fields that can be set here.`;
    }
    case "invalid_key":
    case "invalid_element":
      return "Contains an entry that is not valid.";
    case "invalid_union":
      return "This does not match any of the accepted forms.";
    default:
      return "This value is not valid.";
  }
}

// Field names whose spelling words cannot be derived from the key.
const NAMES: Record<string, string> = { doi: "DOI", arxivId: "arXiv id", bibtex: "BibTeX", url: "URL" };

/** "authors.1" → "Authors, item 2"; "paperId" → "Paper id": a field's path as a person reads it. */
export function fieldLabel(path: readonly PropertyKey[]): string {
  const parts = path.map((p) =>
    typeof p === "number" ? `item ${p + 1}` : (NAMES[String(p)] ?? String(p).replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ").toLowerCase()),
  );
  const text = parts.join(", ");
  return text.startsWith("arXiv") ? text : text.charAt(0).toUpperCase() + text.slice(1);
}

let installed = false;

/** Makes `humanZodMessage` zod's fallback for every schema in this process (idempotent). */
export function installHumanZodMessages(): void {
  if (installed) return;
  installed = true;
  z.config({ customError: humanZodMessage });
}

installHumanZodMessages();
