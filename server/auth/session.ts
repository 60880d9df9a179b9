import { getServerSession } from "next-auth";
import { getDb } from "../db";
import { getUser } from "../services/users";
import type { SessionUser } from "../trpc/context";
import { authOptions } from "./options";

/** The signed-in user as stored now (role changes apply at once), or null. */
export async function getSessionUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions);
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  const user = await getUser(getDb(), id);
  return user ? { id: user.id, email: user.email, name: user.name, role: user.role } : null;
}
