/**
 * Which IP addresses a download may connect to: only globally reachable unicast ones. Everything
 * else (loopback, private, link-local, unique-local, CGNAT, multicast, documentation, reserved, and
 * IPv6 forms that embed such an IPv4 address) is refused, so a model URL cannot make the server
 * talk to itself or its network.
 */
import { isIPv4, isIPv6 } from "node:net";

export type AddressClass =
  | "public"
  | "unspecified"
  | "loopback"
  | "private"
  | "carrier-grade NAT"
  | "link-local"
  | "unique-local"
  | "multicast"
  | "broadcast"
  | "documentation"
  | "benchmarking"
  | "reserved"
  | "not an IP address";

interface Range {
  bits: number[];
  prefix: number;
  kind: Exclude<AddressClass, "public" | "not an IP address">;
}

function v4Bytes(address: string): number[] {
  return address.split(".").map(Number);
}

/** 16 bytes of an IPv6 address (`::` expanded, a trailing dotted quad converted). */
function v6Bytes(address: string): number[] {
  let text = address;
  const tail: number[] = [];
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad?.[1]) {
    tail.push(...v4Bytes(quad[1]));
    text = `${text.slice(0, -quad[1].length)}0:0`;
  }
  const [head = "", rest] = text.split("::");
  const groups = (s: string) => (s === "" ? [] : s.split(":").map((g) => Number.parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const words = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

function inRange(bytes: readonly number[], range: Range): boolean {
  for (let bit = 0; bit < range.prefix; bit++) {
    const i = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((bytes[i] ?? 0) & mask) !== ((range.bits[i] ?? 0) & mask)) return false;
  }
  return true;
}

const r4 = (cidr: string, kind: Range["kind"]): Range => {
  const [a = "", p = "32"] = cidr.split("/");
  return { bits: v4Bytes(a), prefix: Number(p), kind };
};
const r6 = (cidr: string, kind: Range["kind"]): Range => {
  const [a = "", p = "128"] = cidr.split("/");
  return { bits: v6Bytes(a), prefix: Number(p), kind };
};

/** IANA IPv4 special-purpose ranges that are not globally reachable (RFC 6890 and successors). */
const V4_RANGES: Range[] = [
  r4("0.0.0.0/8", "unspecified"),
  r4("10.0.0.0/8", "private"),
  r4("100.64.0.0/10", "carrier-grade NAT"),
  r4("127.0.0.0/8", "loopback"),
  r4("169.254.0.0/16", "link-local"),
  r4("172.16.0.0/12", "private"),
  r4("192.0.0.0/24", "reserved"),
  r4("192.0.2.0/24", "documentation"),
  r4("192.88.99.0/24", "reserved"),
  r4("192.168.0.0/16", "private"),
  r4("198.18.0.0/15", "benchmarking"),
  r4("198.51.100.0/24", "documentation"),
  r4("203.0.113.0/24", "documentation"),
  r4("224.0.0.0/4", "multicast"),
  r4("255.255.255.255/32", "broadcast"),
  r4("240.0.0.0/4", "reserved"),
];

/** IPv6 ranges inside global unicast (2000::/3) that are not globally reachable. */
const V6_GLOBAL_EXCEPTIONS: Range[] = [
  r6("2001::/23", "reserved"), // IETF protocol assignments, incl. Teredo 2001::/32
  r6("2001:db8::/32", "documentation"),
  r6("2002::/16", "reserved"), // 6to4: handled by its embedded IPv4 address below
  r6("3fff::/20", "documentation"),
];

/** IPv6 outside 2000::/3, by kind (anything else there is reserved). */
const V6_SPECIAL: Range[] = [
  r6("::/128", "unspecified"),
  r6("::1/128", "loopback"),
  r6("fc00::/7", "unique-local"),
  r6("fe80::/10", "link-local"),
  r6("fec0::/10", "link-local"), // deprecated site-local
  r6("ff00::/8", "multicast"),
];

function classifyV4(bytes: readonly number[]): AddressClass {
  return V4_RANGES.find((r) => inRange(bytes, r))?.kind ?? "public";
}

function classifyV6(bytes: readonly number[]): AddressClass {
  const embedded = (from: number) => classifyV4(bytes.slice(from, from + 4));
  // IPv4-mapped ::ffff:a.b.c.d and NAT64 64:ff9b::a.b.c.d reach the embedded IPv4 address.
  if (inRange(bytes, r6("::ffff:0:0/96", "reserved")) || inRange(bytes, r6("64:ff9b::/96", "reserved"))) return embedded(12);
  // 6to4 2002:AABB:CCDD::/48 is routed to the IPv4 address AA.BB.CC.DD.
  if (inRange(bytes, r6("2002::/16", "reserved"))) {
    const v4 = embedded(2);
    return v4 === "public" ? "reserved" : v4;
  }
  const special = V6_SPECIAL.find((r) => inRange(bytes, r));
  if (special) return special.kind;
  if (!inRange(bytes, r6("2000::/3", "reserved"))) return "reserved";
  return V6_GLOBAL_EXCEPTIONS.find((r) => inRange(bytes, r))?.kind ?? "public";
}

/** The class of an address: `1.2.3.4`, `::1`, `[::1]`, `fe80::1%eth0`. */
export function classifyAddress(address: string): AddressClass {
  const bare = address.trim().replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  if (isIPv4(bare)) return classifyV4(v4Bytes(bare));
  if (isIPv6(bare)) return classifyV6(v6Bytes(bare.toLowerCase()));
  return "not an IP address";
}

export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === "public";
}

/** Thrown for a non-public address; `kind` says which class it is. */
export class NonPublicAddressError extends Error {
  override readonly name = "NonPublicAddressError";
  constructor(
    readonly address: string,
    readonly kind: AddressClass,
  ) {
    super(`${address} is ${kind === "not an IP address" ? "not an IP address" : `a ${kind} address`}, not a public one`);
  }
}

export function assertPublicAddress(address: string): void {
  const kind = classifyAddress(address);
  if (kind !== "public") throw new NonPublicAddressError(address, kind);
}
