import type { Provider } from "next-auth/providers/index";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import { z } from "zod";
import { DomainError } from "../errors";
import { getDb } from "../db";
import { env } from "../env";
import { clientIp } from "../http/client-ip";
import { reportInternalError } from "../http/internal-error";
import { verifyCredentials } from "../services/users";
import { githubPrimaryEmail } from "./oauth-email";

const credentialsSchema = z.object({ email: z.string().max(254), password: z.string().max(200) });

const orcidProfileSchema = z.object({
  sub: z.string(),
  given_name: z.string().nullish(),
  family_name: z.string().nullish(),
  email: z.string().nullish(),
  email_verified: z.union([z.boolean(), z.string()]).nullish(),
});

/** Email + password is always on; GitHub and ORCID appear when their credentials are configured. */
export function authProviders(): Provider[] {
  const providers: Provider[] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, req) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        try {
          const user = await verifyCredentials(getDb(), parsed.data.email, parsed.data.password, clientIp(req.headers ?? {}));
          return user ? { id: user.id, email: user.email, name: user.name } : null;
        } catch (error) {
          // next-auth passes an Error's message to the sign-in form; say why we refused.
          if (error instanceof DomainError) throw new Error(error.message);
          // Anything else is logged here (without query parameters); the form shows only an error id.
          throw new Error(reportInternalError(error, "password sign-in").message);
        }
      },
    }),
  ];
  if (env.GITHUB_ID && env.GITHUB_SECRET) {
    providers.push(
      GitHubProvider({
        clientId: env.GITHUB_ID,
        clientSecret: env.GITHUB_SECRET,
        userinfo: {
          url: "https://api.github.com/user",
          // The profile's public email says nothing about verification; /user/emails does.
          async request({ client, tokens }) {
            const profile = await client.userinfo(tokens.access_token ?? "");
            const res = await fetch("https://api.github.com/user/emails", {
              headers: { Authorization: `token ${tokens.access_token ?? ""}`, Accept: "application/vnd.github+json", "User-Agent": "MechMap" },
            });
            const primary = res.ok ? githubPrimaryEmail(await res.json()) : null;
            return { ...profile, email: primary?.email, email_verified: primary?.verified ?? false };
          },
        },
      }),
    );
  }
  if (env.ORCID_CLIENT_ID && env.ORCID_CLIENT_SECRET) {
    providers.push({
      id: "orcid",
      name: "ORCID",
      type: "oauth",
      wellKnown: `${env.ORCID_ISSUER}/.well-known/openid-configuration`,
      authorization: { params: { scope: "openid" } },
      idToken: true,
      checks: ["pkce", "state"],
      clientId: env.ORCID_CLIENT_ID,
      clientSecret: env.ORCID_CLIENT_SECRET,
      profile(raw) {
        const profile = orcidProfileSchema.parse(raw);
        const name = [profile.given_name, profile.family_name].filter(Boolean).join(" ") || null;
        return { id: profile.sub, name, email: profile.email ?? null, image: null };
      },
    });
  }
  return providers;
}
