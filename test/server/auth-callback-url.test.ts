import { describe, expect, it } from "vitest";
import { safeCallbackUrl, safeRedirect } from "../../server/auth/callback-url";

/** What `?callbackUrl=<raw>` reads as once the query string is decoded, as the sign-in page sees it. */
const fromQuery = (raw: string) => new URLSearchParams(`callbackUrl=${raw}`).get("callbackUrl");

describe("callbackUrl after sign-in", () => {
  const refused = [
    "%2F%09%2Fevil.example%2Fphish", // "/\t/evil.example/phish": the browser drops the tab and leaves
    "%0A",
    "%2F%0A",
    "/%0A/evil.example",
    "//evil.example",
    "/\\evil.example",
    "%2F%5Cevil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "/%2F%2Fevil.example", // decodes to "///evil.example"
    "/%252F%252Fevil.example", // double-encoded
    "/.//evil.example", // resolves to "//evil.example"
    "evil.example",
    "",
  ];
  for (const raw of refused) {
    it(`refuses ${JSON.stringify(raw)}`, () => {
      expect(safeCallbackUrl(fromQuery(raw))).toBe("/");
    });
  }

  it("keeps same-site paths with their query and fragment", () => {
    expect(safeCallbackUrl("/papers?x=1")).toBe("/papers?x=1");
    expect(safeCallbackUrl(fromQuery("%2Fpapers%3Fx%3D1"))).toBe("/papers?x=1");
    expect(safeCallbackUrl("/techniques/contrastive-activation-addition#history")).toBe("/techniques/contrastive-activation-addition#history");
    expect(safeCallbackUrl(["/review", "/admin/users"])).toBe("/review");
    expect(safeCallbackUrl("/papers/../review")).toBe("/review");
    expect(safeCallbackUrl(undefined)).toBe("/");
  });
});

describe("next-auth's redirect callback", () => {
  const base = "http://127.0.0.1:3000";
  it("stays on this site", () => {
    expect(safeRedirect("/papers?x=1", base)).toBe(`${base}/papers?x=1`);
    expect(safeRedirect(`${base}/review`, base)).toBe(`${base}/review`);
    expect(safeRedirect("https://evil.example/phish", base)).toBe(`${base}/`);
    expect(safeRedirect("/\t/evil.example/phish", base)).toBe(`${base}/`);
    expect(safeRedirect("/\n", base)).toBe(`${base}/`);
    expect(safeRedirect(`${base}//evil.example`, base)).toBe(`${base}/`);
    expect(safeRedirect("http://127.0.0.1:3001/", base)).toBe(`${base}/`);
    expect(safeRedirect("http:\\\\evil.example", base)).toBe(`${base}/`);
  });
});
