import { afterEach, describe, expect, it, vi } from "vitest";

/** The auth options as a process started with this NEXTAUTH_URL would read them (env is read at import). */
async function optionsFor(nextauthUrl: string) {
  vi.resetModules();
  vi.stubEnv("NEXTAUTH_URL", nextauthUrl);
  return import("../../server/auth/options");
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("session cookies", () => {
  it("are Secure (and __Secure- prefixed) when the site is served over https", async () => {
    const https = await optionsFor("https://mechmap.example.org");
    expect(https.authOptions.useSecureCookies).toBe(true);
    expect(https.SESSION_COOKIE).toBe("__Secure-next-auth.session-token");
    const http = await optionsFor("http://localhost:3000");
    expect(http.authOptions.useSecureCookies).toBe(false);
    expect(http.SESSION_COOKIE).toBe("next-auth.session-token");
  });
});
