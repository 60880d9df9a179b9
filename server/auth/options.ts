import type { NextAuthOptions } from "next-auth";
import { getDb } from "../db";
import { env } from "../env";
import { DomainError } from "../errors";
import { describeForLog } from "../http/internal-error";
import { upsertOAuthUser, type OAuthIdentity } from "../services/users";
import { safeRedirect } from "./callback-url";
import { OAUTH_EMAIL_IN_USE, providerEmail } from "./oauth-email";
import { authProviders } from "./providers";
import { createSession, deleteSession, SESSION_MAX_AGE_SECONDS, sessionUser } from "./sessions";

/** Cookies get the `Secure` flag (and the `__Secure-` prefix) when the site is served over https. */
export const useSecureCookies = env.NEXTAUTH_URL?.startsWith("https://") ?? false;

/** next-auth's session cookie (split into `.0`, `.1`, … when large). */
export const SESSION_COOKIE = `${useSecureCookies ? "__Secure-" : ""}next-auth.session-token`;

/** Thrown while reading a session whose row is gone; next-auth then clears the cookie. */
class SessionEndedError extends Error {
  override name = "SessionEndedError";
}

function oauthIdentity(
  account: { provider: string; providerAccountId: string },
  user: { name?: string | null; image?: string | null },
  profile: unknown,
): OAuthIdentity {
  const { email, verified } = providerEmail(profile);
  return { provider: account.provider, providerAccountId: account.providerAccountId, email, emailVerified: verified, name: user.name ?? null, image: user.image ?? null };
}

export const authOptions: NextAuthOptions = {
  secret: env.NEXTAUTH_SECRET,
  // JWT sessions (credentials sign-in needs them), each backed by a `sessions` row that sign-out and
  // role changes delete; the user and role are read fresh from the database per request.
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  useSecureCookies,
  pages: { signIn: "/signin", error: "/signin" },
  providers: authProviders(),
  callbacks: {
    async signIn({ user, account, profile }) {
      if (account?.type !== "oauth") return true;
      try {
        await upsertOAuthUser(getDb(), oauthIdentity(account, user, profile));
        return true;
      } catch (error) {
        if (error instanceof DomainError && error.code === "CONFLICT") return `/signin?error=${OAUTH_EMAIL_IN_USE}`;
        throw error;
      }
    },
    async jwt({ token, user, account, profile }) {
      if (user) {
        // A fresh sign-in (signIn above already linked or created an OAuth user; this finds it).
        const userId = account?.type === "oauth" ? await upsertOAuthUser(getDb(), oauthIdentity(account, user, profile)) : user.id;
        return { ...token, sub: userId, sid: await createSession(getDb(), userId) };
      }
      // Reading the session (/api/auth/session): a revoked or expired sign-in ends here.
      const sid = token.sid;
      if (typeof sid !== "string" || !(await sessionUser(getDb(), sid, token.sub))) throw new SessionEndedError("session ended");
      return token;
    },
    session({ session, token }) {
      return { ...session, user: { ...session.user, id: token.sub ?? "" } };
    },
    redirect({ url, baseUrl }) {
      return safeRedirect(url, baseUrl);
    },
  },
  events: {
    async signOut({ token }) {
      if (typeof token?.sid === "string") await deleteSession(getDb(), token.sid);
    },
  },
  logger: {
    error(code, metadata) {
      if (metadata instanceof SessionEndedError) return; // expected: a signed-out cookie came back
      // Described without query parameters: a failed query's message would carry tokens and emails.
      console.error(`[next-auth][error][${code}] ${describeForLog(metadata instanceof Error ? metadata : metadata.error)}`);
    },
    warn(code) {
      console.warn(`[next-auth][warn][${code}]`);
    },
    debug() {},
  },
};
