/** Which addresses a model download may connect to: a table of public and non-public addresses. */
import { describe, expect, it } from "vitest";
import { NonPublicAddressError, assertPublicAddress, classifyAddress } from "../../../workers/models/public-address";
import { modelSettings } from "../../../workers/models/settings";

const PUBLIC = [
  "8.8.8.8",
  "1.1.1.1",
  "93.184.215.14",
  "172.15.255.255", // just below 172.16/12
  "172.32.0.1", // just above it
  "100.63.255.255", // just below 100.64/10
  "100.128.0.1", // just above it
  "169.253.255.255",
  "192.169.0.1",
  "2606:4700:4700::1111",
  "2001:4860:4860::8888",
  "[2a00:1450:4001:82a::200e]",
  "::ffff:8.8.8.8", // IPv4-mapped public address
  "64:ff9b::8.8.8.8", // NAT64 of a public address
];

const NON_PUBLIC: Array<[string, string]> = [
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  ["10.0.0.1", "private"],
  ["10.255.255.255", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["169.254.169.254", "link-local"], // cloud metadata endpoint
  ["100.64.0.1", "carrier-grade NAT"],
  ["100.127.255.255", "carrier-grade NAT"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["255.255.255.255", "broadcast"],
  ["240.0.0.1", "reserved"],
  ["192.0.0.8", "reserved"],
  ["192.0.2.1", "documentation"],
  ["198.51.100.7", "documentation"],
  ["203.0.113.9", "documentation"],
  ["198.18.0.1", "benchmarking"],
  ["::1", "loopback"],
  ["[::1]", "loopback"],
  ["0:0:0:0:0:0:0:1", "loopback"],
  ["::", "unspecified"],
  ["::ffff:127.0.0.1", "loopback"], // IPv4-mapped
  ["::ffff:7f00:1", "loopback"], // the same, in hex
  ["[::ffff:10.1.2.3]", "private"],
  ["::ffff:169.254.169.254", "link-local"],
  ["::ffff:0.0.0.0", "unspecified"],
  ["64:ff9b::127.0.0.1", "loopback"], // NAT64 of loopback
  ["2002:7f00:1::1", "loopback"], // 6to4 of 127.0.0.1
  ["2002:0808:0808::1", "reserved"], // 6to4 of a public address: still not a direct target
  ["fe80::1", "link-local"],
  ["fe80::1%eth0", "link-local"],
  ["febf:ffff::1", "link-local"],
  ["fc00::1", "unique-local"],
  ["fd12:3456:789a::1", "unique-local"],
  ["ff02::1", "multicast"],
  ["2001:db8::1", "documentation"],
  ["2001::1", "reserved"], // Teredo
  ["100::1", "reserved"], // discard-only
  ["::127.0.0.1", "reserved"], // deprecated IPv4-compatible
  ["localhost", "not an IP address"],
  ["", "not an IP address"],
];

describe("public addresses", () => {
  it.each(PUBLIC)("%s is public", (address) => {
    expect(classifyAddress(address)).toBe("public");
    expect(() => assertPublicAddress(address)).not.toThrow();
  });

  it.each(NON_PUBLIC)("%s is refused (%s)", (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
    expect(() => assertPublicAddress(address)).toThrow(NonPublicAddressError);
  });

  it("names the class in the refusal", () => {
    expect(() => assertPublicAddress("::ffff:127.0.0.1")).toThrow("::ffff:127.0.0.1 is a loopback address, not a public one");
  });
});

describe("the setting that allows private model URLs", () => {
  it("is off unless set to 1/true/yes, and refuses other values", () => {
    expect(modelSettings({}).MECHMAP_ALLOW_PRIVATE_MODEL_URLS).toBe(false);
    expect(modelSettings({ MECHMAP_ALLOW_PRIVATE_MODEL_URLS: "0" }).MECHMAP_ALLOW_PRIVATE_MODEL_URLS).toBe(false);
    expect(modelSettings({ MECHMAP_ALLOW_PRIVATE_MODEL_URLS: "1" }).MECHMAP_ALLOW_PRIVATE_MODEL_URLS).toBe(true);
    expect(modelSettings({ MECHMAP_ALLOW_PRIVATE_MODEL_URLS: "true" }).MECHMAP_ALLOW_PRIVATE_MODEL_URLS).toBe(true);
    expect(() => modelSettings({ MECHMAP_ALLOW_PRIVATE_MODEL_URLS: "maybe" })).toThrow(/MECHMAP_ALLOW_PRIVATE_MODEL_URLS/);
  });
});
