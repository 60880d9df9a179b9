/**
 * Where to send the browser after signing in: only a path on this site. The value is checked after
 * percent-decoding (so `%2F%09%2Fevil.example` cannot become `//evil.example` once the browser
 * drops the tab), then resolved against a dummy origin; anything that leaves it is refused.
 */
const FALLBACK = "/";
const DUMMY_ORIGIN = "http://callback.invalid";
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\\]/;

/** Every form the value takes while being percent-decoded (a few rounds; a malformed escape ends it). */
function decodedForms(value: string): string[] {
  const forms = [value];
  let current = value;
  for (let round = 0; round < 3; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      break;
    }
    if (next === current) break;
    forms.push(next);
    current = next;
  }
  return forms;
}

function looksLikeLocalPath(form: string): boolean {
  return form.startsWith("/") && !form.startsWith("//") && !UNSAFE.test(form);
}

/** A same-site path (pathname + search + hash) for a callbackUrl value, or "/" when it is not one. */
export function safeCallbackUrl(raw: string | string[] | undefined | null): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return FALLBACK;
  if (!decodedForms(value).every(looksLikeLocalPath)) return FALLBACK;
  let resolved: URL;
  try {
    resolved = new URL(value, DUMMY_ORIGIN);
  } catch {
    return FALLBACK;
  }
  if (resolved.origin !== DUMMY_ORIGIN) return FALLBACK;
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  // Dot segments can collapse into "//host" (e.g. "/.//evil"); a browser would read that as another site.
  return looksLikeLocalPath(path) ? path : FALLBACK;
}

/**
 * next-auth's redirect callback: absolute URLs on our own origin and safe relative paths are kept
 * (as absolute URLs on `baseUrl`); everything else goes to the home page.
 */
export function safeRedirect(url: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  let candidate = url;
  if (!url.startsWith("/")) {
    let absolute: URL;
    try {
      absolute = new URL(url);
    } catch {
      return base.origin + FALLBACK;
    }
    if (absolute.origin !== base.origin) return base.origin + FALLBACK;
    candidate = `${absolute.pathname}${absolute.search}${absolute.hash}`;
  }
  return base.origin + safeCallbackUrl(candidate);
}
