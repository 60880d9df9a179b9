import type { Metadata } from "next";
import { safeCallbackUrl } from "../_lib/callback-url";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  return (
    <div className="page page--narrow" style={{ maxWidth: 460 }}>
      <h1>Create an account</h1>
      <p className="lede" style={{ marginBottom: "1rem" }}>
        Members propose edits to the map and add papers; moderators review the edits.
      </p>
      <SignUpForm callbackUrl={safeCallbackUrl(sp.callbackUrl)} />
    </div>
  );
}
