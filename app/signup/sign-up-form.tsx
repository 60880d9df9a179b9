"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { signIn } from "next-auth/react";
import { useId, useState, type FormEvent } from "react";
import { USER_LIMITS } from "~/server/services/user-input";
import { FocusedFormError } from "../_components/focused-form-error";
import { FieldError, invalidProps } from "../_components/form-bits";
import { errorInfo } from "../_lib/errors";
import { useTRPC } from "../_trpc/client";
import { OAuthButtons } from "../signin/oauth-buttons";

export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const trpc = useTRPC();
  const id = useId();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [signInError, setSignInError] = useState<string | null>(null);
  const [signingIn, setSigningIn] = useState(false);

  const signUp = useMutation(
    trpc.users.signUp.mutationOptions({
      onSuccess: async () => {
        setSigningIn(true);
        const res = await signIn("credentials", { email, password, redirect: false, callbackUrl });
        if (!res || res.error) {
          setSigningIn(false);
          setSignInError("Your account was created, but signing in failed. Try signing in.");
          return;
        }
        window.location.assign(callbackUrl);
      },
    }),
  );
  const err = signUp.error ? errorInfo(signUp.error) : null;
  const fe = err?.fieldErrors ?? {};
  const hasFieldErrors = Object.keys(fe).length > 0;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSignInError(null);
    signUp.mutate({ name, email, password });
  }

  const busy = signUp.isPending || signingIn;
  return (
    <>
      <form className="form card" onSubmit={onSubmit} noValidate data-testid="signup-form">
        <FocusedFormError message={signInError ?? (err ? (hasFieldErrors ? "Please correct the marked fields." : err.message) : null)} attempt={signUp.error} />
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} className="input" autoComplete="name" maxLength={USER_LIMITS.name} value={name} onChange={(e) => setName(e.target.value)} {...invalidProps(`${id}-name-err`, fe.name)} />
          <FieldError id={`${id}-name-err`} message={fe.name} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input
            id={`${id}-email`}
            className="input"
            type="email"
            autoComplete="email"
            maxLength={USER_LIMITS.email}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            {...invalidProps(`${id}-email-err`, fe.email)}
          />
          <FieldError id={`${id}-email-err`} message={fe.email} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            className="input"
            type="password"
            autoComplete="new-password"
            maxLength={USER_LIMITS.password}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            {...invalidProps(`${id}-password-err`, fe.password, `${id}-password-hint`)}
          />
          <p id={`${id}-password-hint`} className="hint">
            At least {USER_LIMITS.passwordMin} characters.
          </p>
          <FieldError id={`${id}-password-err`} message={fe.password} />
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {signingIn ? "Signing you in…" : signUp.isPending ? "Creating…" : "Create account"}
          </button>
        </div>
      </form>
      <OAuthButtons callbackUrl={callbackUrl} />
      <p style={{ marginTop: "1.25rem" }}>
        Already have an account? <Link href={`/signin${callbackUrl !== "/" ? `?callbackUrl=${encodeURIComponent(callbackUrl)}` : ""}`}>Sign in</Link>.
      </p>
    </>
  );
}
