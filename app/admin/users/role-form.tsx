"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { errorInfo } from "../../_lib/errors";
import type { RouterInputs } from "../../_lib/types";
import { useTRPC } from "../../_trpc/client";

type Role = RouterInputs["users"]["setRole"]["role"];

/** One user's role: a select, Save, and the outcome inline (the server's message on failure). */
export function RoleForm({ email, role, roles, isSelf }: { email: string; role: Role; roles: readonly Role[]; isSelf: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  // `saved` is the role the server last confirmed; `selected` is what the select shows.
  const [saved, setSaved] = useState<Role>(role);
  const [selected, setSelected] = useState<Role>(role);
  const setRole = useMutation(
    trpc.users.setRole.mutationOptions({
      onSuccess: (user) => {
        setSaved(user.role);
        setSelected(user.role);
        // Your own role also shows in the header and decides whether this page is yours to use.
        if (isSelf) router.refresh();
      },
    }),
  );
  const err = setRole.error ? errorInfo(setRole.error) : null;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (selected === saved || setRole.isPending) return;
    if (
      isSelf &&
      !window.confirm(
        `You are about to change your own role from ${saved} to ${selected}.${saved === "admin" ? " You will no longer be able to manage roles, and another admin will have to give the role back." : ""} Continue?`,
      )
    ) {
      return;
    }
    setRole.mutate({ email, role: selected });
  }

  return (
    <form className="role-form" onSubmit={onSubmit} aria-label={`Role of ${email}`}>
      <label htmlFor={`${id}-role`} className="visually-hidden">
        Role of {email}
      </label>
      <select
        id={`${id}-role`}
        className="select"
        value={selected}
        disabled={setRole.isPending}
        aria-describedby={`${id}-status`}
        onChange={(e) => {
          const next = roles.find((r) => r === e.target.value);
          if (next === undefined) return;
          setSelected(next);
          // A new choice replaces the outcome of the previous save.
          setRole.reset();
        }}
      >
        {roles.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <button type="submit" className="button button--small" disabled={setRole.isPending || selected === saved}>
        {setRole.isPending ? "Saving…" : "Save"}
      </button>
      <span id={`${id}-status`} className="role-form__status" role="status">
        {err ? (
          <span className="field-error">{err.message}</span>
        ) : setRole.isSuccess ? (
          <span className="role-form__saved">Saved: now {saved}.</span>
        ) : null}
      </span>
    </form>
  );
}
