import type { NextAuthOptions } from "next-auth";
import { getDb } from "../db";
import { env } from "../env";
import { upsertOAuthUser } from "../services/users";
import { authProviders } from "./providers";

export const authOptions: NextAuthOptions = {
  secret: env.NEXTAUTH_SECRET,
  // JWT sessions: credentials sign-in needs them; the role is read fresh from the database per request.
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/signin" },
  providers: authProviders(),
  callbacks: {
    async jwt({ token, user, account }) {
      if (account && account.type === "oauth" && user) {
        token.sub = await upsertOAuthUser(getDb(), {
          provider: account.provider,
          providerAccountId: account.providerAccountId,
          email: user.email ?? null,
          name: user.name ?? null,
          image: user.image ?? null,
        });
      }
      return token;
    },
    session({ session, token }) {
      return { ...session, user: { ...session.user, id: token.sub ?? "" } };
    },
  },
};
