/** Only same-site paths are followed after signing in (no open redirects); the rules live with auth. */
export { safeCallbackUrl } from "~/server/auth/callback-url";
