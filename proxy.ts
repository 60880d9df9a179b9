import { NextResponse, type NextRequest } from "next/server";

/**
 * Content-Security-Policy with a fresh nonce per request. Next.js reads the nonce from the policy
 * on the request and puts it on its own scripts; with 'strict-dynamic', only those scripts (and the
 * chunks they load) run, so injected markup cannot run script. Styles allow 'unsafe-inline':
 * server-rendered style attributes (React, KaTeX) cannot carry a nonce, and CSS does not run code.
 * The other security headers, which need no nonce, come from next.config.js for every route, and
 * so does API routes' (nonce-free) policy: the proxy skips /api because Next.js reads a request's
 * whole body before running a proxy, which would defeat the routes' own body-size limits.
 */
function contentSecurityPolicy(nonce: string): string {
  const https = process.env.NEXTAUTH_URL?.startsWith("https://") ?? false;
  const dev = process.env.NODE_ENV === "development";
  return [
    "default-src 'self'",
    // React rebuilds server error stacks with eval in development only.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const policy = contentSecurityPolicy(nonce);
  const forwarded = new Headers(request.headers);
  forwarded.set("content-security-policy", policy);
  forwarded.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers: forwarded } });
  response.headers.set("Content-Security-Policy", policy);
  if (process.env.NEXTAUTH_URL?.startsWith("https://")) response.headers.set("Strict-Transport-Security", "max-age=31536000");
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: not API routes (see above) nor built assets; prefetches carry no HTML either.
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
