import type { Metadata } from "next";
import { OAUTH_EMAIL_IN_USE, UNVERIFIED_EMAIL_IN_USE } from "~/server/auth/oauth-email";
import { safeCallbackUrl } from "../_lib/callback-url";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

/** next-auth's error codes for the sign-in page (it is also next-auth's error page), in words. */
const ERRORS = new Map<string, string>(
  Object.entries({
  CredentialsSignin: "Wrong email or password.",
  OAuthAccountNotLinked: "This email is already used by another sign-in method. Sign in the way you did before.",
  [OAUTH_EMAIL_IN_USE]: UNVERIFIED_EMAIL_IN_USE,
  OAuthSignin: "Could not start signing in with that provider. Try again.",
  OAuthCallback: "Signing in with that provider failed. Try again.",
  AccessDenied: "Access was denied.",
    SessionRequired: "Please sign in to see that page.",
  }),
);

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const callbackUrl = safeCallbackUrl(sp.callbackUrl);
  const code = Array.isArray(sp.error) ? sp.error[0] : sp.error;
  // Only known codes are shown in words; anything else (e.g. a crafted ?error=) gets a generic line.
  const initialError = code ? (ERRORS.get(code) ?? "Signing in failed. Try again.") : null;
  return (
    <div className="page page--narrow" style={{ maxWidth: 460 }}>
      <h1>Sign in</h1>
      <SignInForm callbackUrl={callbackUrl} initialError={initialError} />
    </div>
  );
}
