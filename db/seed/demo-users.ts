import type { UserRole } from "../schema";

/** Accounts the demo seed creates, printed at start-up so a newcomer can sign in at once. */
export const DEMO_USERS: Array<{ email: string; password: string; name: string; role: UserRole }> = [
  { email: "member@mechmap.dev", password: "mechmap-member", name: "Demo Member", role: "member" },
  { email: "moderator@mechmap.dev", password: "mechmap-moderator", name: "Demo Moderator", role: "moderator" },
];

/** The demo experiments belong to the demo member. */
export const DEMO_EXPERIMENT_OWNER = "member@mechmap.dev";
