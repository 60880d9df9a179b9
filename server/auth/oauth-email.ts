import { z } from "zod";

/**
 * The email an OAuth provider vouches for. GitHub: our userinfo request (providers.ts) puts the
 * primary address from /user/emails and its `verified` flag on the profile as `email` and
 * `email_verified`. ORCID (OpenID Connect): the id token's `email` and `email_verified` claims.
 * Anything else counts as unverified.
 */
const profileSchema = z.object({
  email: z.string().max(254).nullish(),
  email_verified: z.union([z.boolean(), z.literal("true"), z.literal("false")]).nullish(),
});

/** The sign-in page's error code, and the words, for an OAuth email that an account uses but the provider did not verify. */
export const OAUTH_EMAIL_IN_USE = "OAuthEmailInUse";
export const UNVERIFIED_EMAIL_IN_USE =
  "An account with this email already exists, and the provider has not confirmed that the email is yours. Sign in the way you did before (for example with your password).";

export function providerEmail(profile: unknown): { email: string | null; verified: boolean } {
  const parsed = profileSchema.safeParse(profile);
  if (!parsed.success || !parsed.data.email) return { email: null, verified: false };
  const flag = parsed.data.email_verified;
  return { email: parsed.data.email, verified: flag === true || flag === "true" };
}

/** One address from GitHub's GET /user/emails. */
export const githubEmailSchema = z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() });

/** The address to use from GitHub's list: the primary one, with its verified flag. */
export function githubPrimaryEmail(emails: unknown): { email: string; verified: boolean } | null {
  const parsed = z.array(githubEmailSchema).safeParse(emails);
  if (!parsed.success) return null;
  const primary = parsed.data.find((e) => e.primary);
  return primary ? { email: primary.email, verified: primary.verified } : null;
}
