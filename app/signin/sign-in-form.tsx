"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useId, useState, type FormEvent } from "react";
import { USER_LIMITS } from "~/server/services/user-input";
import { FocusedFormError } from "../_components/focused-form-error";
import { safeCallbackUrl } from "../_lib/callback-url";
import { OAuthButtons } from "./oauth-buttons";

export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError: string | null }) {
  const id = useId();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);
  // Counts failed submits, so a second failure with the same message moves the focus to it again.
  const [attempt, setAttempt] = useState(0);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const res = await signIn("credentials", { email, password, redirect: false, callbackUrl });
      if (!res || res.error) {
        setError(!res || res.error === "CredentialsSignin" ? "Wrong email or password." : (res.error ?? "Signing in failed."));
        setAttempt((n) => n + 1);
        setBusy(false);
        return;
      }
      // A full load so the server-rendered header and pages see the new session; checked again here
      // because this is where the browser actually leaves for the address.
      window.location.assign(safeCallbackUrl(callbackUrl));
    } catch {
      setError("Could not reach the server. Try again.");
      setAttempt((n) => n + 1);
      setBusy(false);
    }
  }

  return (
    <>
      <form className="form card" onSubmit={(e) => void onSubmit(e)} data-testid="signin-form">
        <FocusedFormError message={error} attempt={attempt} />
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input id={`${id}-email`} className="input" type="email" autoComplete="email" required maxLength={USER_LIMITS.email} value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            className="input"
            type="password"
            autoComplete="current-password"
            required
            maxLength={USER_LIMITS.password}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </div>
      </form>
      <OAuthButtons callbackUrl={callbackUrl} />
      <p style={{ marginTop: "1.25rem" }}>
        New here? <Link href={`/signup${callbackUrl !== "/" ? `?callbackUrl=${encodeURIComponent(callbackUrl)}` : ""}`}>Create an account</Link>.
      </p>
    </>
  );
}
