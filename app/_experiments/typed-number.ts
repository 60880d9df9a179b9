/** A well-formed decimal number as people type it (optional sign, decimals, exponent). */
const NUMBER = /^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i;

export function isTypedNumber(text: string): boolean {
  return NUMBER.test(text.trim());
}

/**
 * Text from a form field as the schema should see it: a number when a number was typed, otherwise
 * the text itself, so the schema's own message ("must be a number, got text …") names the problem.
 */
export function numberOrText(text: string): number | string {
  return isTypedNumber(text) ? Number(text.trim()) : text;
}
