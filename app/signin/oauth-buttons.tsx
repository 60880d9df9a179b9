"use client";

import { getProviders, signIn, type ClientSafeProvider } from "next-auth/react";
import { useEffect, useState } from "react";

/** Buttons for the OAuth providers the server has configured (GitHub, ORCID); nothing when there are none. */
export function OAuthButtons({ callbackUrl }: { callbackUrl: string }) {
  const [providers, setProviders] = useState<ClientSafeProvider[]>([]);
  useEffect(() => {
    let live = true;
    getProviders()
      .then((all) => {
        if (live && all) setProviders(Object.values(all).filter((p) => p.type === "oauth"));
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  if (providers.length === 0) return null;
  return (
    <div className="card" style={{ marginTop: "1rem" }}>
      <p className="muted" style={{ marginTop: 0 }}>
        Or continue with
      </p>
      <div className="actions">
        {providers.map((p) => (
          <button key={p.id} type="button" className="button button--ghost" onClick={() => void signIn(p.id, { callbackUrl })}>
            {p.name}
          </button>
        ))}
      </div>
    </div>
  );
}
