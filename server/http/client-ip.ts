/**
 * The address a request came from, for per-address rate limits.
 *
 * scripts/serve.ts writes the socket's address into CLIENT_IP_HEADER and drops any value the
 * client sent, so the header can be trusted behind our own server. Behind a reverse proxy, set
 * MECHMAP_TRUST_PROXY=1 to take the first X-Forwarded-For address instead.
 */
export const CLIENT_IP_HEADER = "x-mechmap-client-ip";

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function read(headers: HeaderSource, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

export function clientIp(headers: HeaderSource): string {
  if (process.env.MECHMAP_TRUST_PROXY === "1") {
    const forwarded = read(headers, "x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  return read(headers, CLIENT_IP_HEADER)?.slice(0, 64) || "unknown";
}
