/**
 * GET over http(s) that only connects to allowed (by default: public) addresses. Every hop of a
 * redirect chain is checked, and the check is made on the addresses the host name resolves to: the
 * connection then goes to the checked address itself (pinned), so a second DNS answer cannot point
 * it elsewhere (DNS rebinding). Responses of refused targets are never read.
 */
import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { classifyAddress, isPublicAddress } from "./public-address";
import { modelSettings } from "./settings";

export interface AddressPolicy {
  /** Whether a request for `url` may connect to `address` (an IP address its host resolved to). */
  allows: (address: string, url: URL) => boolean;
}

export const PUBLIC_ONLY: AddressPolicy = { allows: (address) => isPublicAddress(address) };
export const ANY_ADDRESS: AddressPolicy = { allows: () => true };

/** Public addresses only, unless MECHMAP_ALLOW_PRIVATE_MODEL_URLS=1. */
export function defaultAddressPolicy(): AddressPolicy {
  return modelSettings().MECHMAP_ALLOW_PRIVATE_MODEL_URLS ? ANY_ADDRESS : PUBLIC_ONLY;
}

export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** A target the policy refuses, or a redirect we will not follow; retrying will not help. */
export class RefusedTargetError extends Error {
  override readonly name = "RefusedTargetError";
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`refused to connect to ${url}: ${reason}`);
  }
}

/** The URL without credentials, for messages. */
export function displayUrl(url: URL): string {
  const u = new URL(url.href);
  u.username = "";
  u.password = "";
  return u.href;
}

function assertHttp(url: URL): void {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new RefusedTargetError(displayUrl(url), `only http and https are allowed, not ${url.protocol.replace(/:$/, "")}`);
  }
}

export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

/** Host name -> every address it resolves to (dns.lookup, as the system resolver answers). */
export type ResolveHost = (host: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolve: ResolveHost = (host) => lookup(host, { all: true, verbatim: true });

/** Resolves the host and checks every address; returns them all (the only ones the request may use). */
export async function resolveAllowed(url: URL, policy: AddressPolicy, resolveHost: ResolveHost = systemResolve): Promise<CheckedAddress[]> {
  assertHttp(url);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const addresses = await resolveHost(host);
  const first = addresses[0];
  if (!first) throw new Error(`${host} did not resolve to any address`);
  for (const { address } of addresses) {
    if (!policy.allows(address, url)) {
      const kind = classifyAddress(address);
      const what = kind === "public" ? "an address this download may not use" : `a ${kind} address, not a public one`;
      throw new RefusedTargetError(
        displayUrl(url),
        `${host === address ? `${address} is` : `${host} resolves to ${address},`} ${what} (set MECHMAP_ALLOW_PRIVATE_MODEL_URLS=1 to allow non-public addresses)`,
      );
    }
  }
  return addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/** A lookup that answers only the already-checked addresses (all of them, so Happy Eyeballs still works). */
function pinnedLookup(checked: readonly CheckedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      callback(null, checked.map((a) => ({ ...a })));
      return;
    }
    const pick = checked.find((a) => !options.family || a.family === options.family) ?? checked[0];
    if (!pick) callback(new Error("no checked address to connect to"), "", 4);
    else callback(null, pick.address, pick.family);
  };
}

function toHeaders(raw: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

function requestOnce(url: URL, headers: Record<string, string>, checked: readonly CheckedAddress[]): Promise<http.IncomingMessage> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: "GET", headers, agent: false, lookup: pinnedLookup(checked) }, resolve);
    req.on("error", reject);
    req.end();
  });
}

export interface PublicResponse {
  status: number;
  headers: Headers;
  /** The body as a Node stream (read it in flowing mode: every byte received is delivered, even if the connection then drops). */
  body: http.IncomingMessage;
  /** The URL that answered (after redirects). */
  url: string;
  /** Headers of each redirect answer followed, in order (e.g. a hub's published hash). */
  redirectHeaders: Headers[];
}

/**
 * GET `url`, following at most MAX_REDIRECTS redirects by hand and checking each target with the
 * policy before connecting. The same request headers are sent to every hop.
 */
export async function fetchPublic(
  url: string,
  options: { headers?: Record<string, string>; policy?: AddressPolicy; maxRedirects?: number; resolveHost?: ResolveHost } = {},
): Promise<PublicResponse> {
  const policy = options.policy ?? defaultAddressPolicy();
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  const redirectHeaders: Headers[] = [];
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const checked = await resolveAllowed(current, policy, options.resolveHost);
    const res = await requestOnce(current, options.headers ?? {}, checked);
    const status = res.statusCode ?? 0;
    const headers = toHeaders(res.headers);
    const location = headers.get("location");
    if (REDIRECT_STATUSES.has(status) && location !== null) {
      res.destroy(); // the redirect's body is never read
      if (hop >= maxRedirects) throw new RefusedTargetError(displayUrl(current), `more than ${maxRedirects} redirects`);
      redirectHeaders.push(headers);
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new RefusedTargetError(displayUrl(current), "the redirect's Location is not a valid URL");
      }
      current = next;
      continue;
    }
    // The reader attaches its own handlers; until then a dropped connection must not crash the process.
    res.on("error", () => {});
    return { status, headers, body: res, url: current.href, redirectHeaders };
  }
}
