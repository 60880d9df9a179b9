"use client";

import { z } from "zod";
// People-worded fallback messages for checks that run in the browser too.
import "~/server/validation/zod-messages";

// Before compiling its fast parsers, zod probes whether eval works (`Function("")` in a try/catch).
// Our CSP forbids eval, so in the browser the probe fails, and Chromium reports it as a violation on
// every page. Parsing without eval gives the same results. The server (no CSP) keeps the fast path.
if (typeof window !== "undefined") z.config({ jitless: true });

/** Rendered once in the root layout so this module runs before any client code parses with zod. */
export function CspSafeZod() {
  return null;
}
