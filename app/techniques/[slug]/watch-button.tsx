"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { errorInfo } from "../../_lib/errors";
import { useTRPC } from "../../_trpc/client";

interface WatchButtonProps {
  slug: string;
  name: string;
  signedIn: boolean;
  watching: boolean;
}

/**
 * Watch / stop watching a technique: a toggle button (aria-pressed) for members, a sign-in link
 * for visitors. The page refreshes afterwards so "Since your last visit" appears or goes.
 */
export function WatchButton({ slug, name, signedIn, watching }: WatchButtonProps) {
  if (!signedIn) {
    return (
      <Link href={`/signin?callbackUrl=${encodeURIComponent(`/techniques/${slug}`)}`} className="button button--ghost button--small" data-testid="watch-sign-in">
        Sign in to watch
      </Link>
    );
  }
  return <WatchToggle slug={slug} name={name} initial={watching} />;
}

function WatchToggle({ slug, name, initial }: { slug: string; name: string; initial: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [watching, setWatching] = useState(initial);
  const [saved, setSaved] = useState<string | null>(null);
  const onSuccess = (result: { watching: boolean }) => {
    setWatching(result.watching);
    setSaved(result.watching ? `You are watching ‘${name}’.` : `You no longer watch ‘${name}’.`);
    router.refresh();
  };
  const watch = useMutation(trpc.changes.watch.mutationOptions({ onSuccess }));
  const unwatch = useMutation(trpc.changes.unwatch.mutationOptions({ onSuccess }));
  const pending = watch.isPending || unwatch.isPending;
  const failed = (watching ? unwatch.error : watch.error) ?? null;
  const err = failed ? errorInfo(failed) : null;

  return (
    <span className="watch">
      <button
        type="button"
        className={`button button--small watch__button${watching ? " watch__button--on" : " button--ghost"}`}
        aria-pressed={watching}
        aria-busy={pending || undefined}
        aria-describedby={`watch-help-${slug}`}
        disabled={pending}
        data-testid="watch-button"
        onClick={() => {
          setSaved(null);
          watch.reset();
          unwatch.reset();
          if (watching) unwatch.mutate({ slug });
          else watch.mutate({ slug });
        }}
      >
        <span aria-hidden="true">{watching ? "✓ " : ""}</span>
        Watch
      </button>
      <span id={`watch-help-${slug}`} className="visually-hidden">
        Lists what changed on this technique since your last visit, here and on your Watching page.
      </span>
      <span role="status" className="watch__status" data-testid="watch-status">
        {pending ? "Saving…" : err ? <span className="field-error">{err.message}</span> : saved}
      </span>
    </span>
  );
}

/**
 * Marks the changes just shown as seen, once, after they are on screen (up to the instant they
 * were read, so a change accepted meanwhile still shows next time). If that fails, the member can
 * retry; the list stays as it is either way.
 */
export function MarkSeenOnView({ slug, asOf }: { slug: string; asOf: string }) {
  const trpc = useTRPC();
  const mark = useMutation(trpc.changes.markSeen.mutationOptions());
  const sent = useRef(false);
  const { mutate } = mark;
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    mutate({ slug, asOf });
  }, [mutate, slug, asOf]);
  const err = mark.error ? errorInfo(mark.error) : null;
  return (
    <p role="status" className="since-visit__seen" data-testid="since-visit-seen">
      {mark.isSuccess && "Marked as seen: next time you will see only newer changes."}
      {err && (
        <>
          <span className="field-error">Could not mark these changes as seen: {err.message}</span>{" "}
          <button type="button" className="linklike" onClick={() => mutate({ slug, asOf })}>
            Try again
          </button>
        </>
      )}
    </p>
  );
}
