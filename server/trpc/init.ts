import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { UserRole } from "~/db/schema";
import { DomainError } from "../errors";
import type { Context } from "./context";

/** "field.path: message" lines, the form a person can act on. */
export function readableZodMessage(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("\n");
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    const domain = error.cause instanceof DomainError ? error.cause : null;
    return {
      ...shape,
      // Validation problems as "field: message" lines a form can show next to its fields.
      message: zodError ? readableZodMessage(zodError) : shape.message,
      data: {
        ...shape.data,
        fieldErrors: zodError ? Object.fromEntries(zodError.issues.map((i) => [i.path.join("."), i.message])) : null,
        details: domain?.details ?? null,
      },
    };
  },
});

/**
 * Domain errors become tRPC errors with the same code and message, and input validation errors
 * get readable messages for every caller (HTTP and server-side); anything else stays a 500.
 */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DomainError) throw new TRPCError({ code: cause.code, message: cause.message, cause });
    if (cause instanceof ZodError && result.error.code === "BAD_REQUEST") throw new TRPCError({ code: "BAD_REQUEST", message: readableZodMessage(cause), cause });
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Anyone may read. */
export const publicProcedure = t.procedure.use(mapDomainErrors);

const ROLE_RANK: Record<UserRole, number> = { member: 1, moderator: 2, admin: 3 };

function requireRole(role: UserRole) {
  return t.middleware(async ({ ctx, next }) => {
    const user = await ctx.getUser();
    if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to do this." });
    if (ROLE_RANK[user.role] < ROLE_RANK[role]) throw new TRPCError({ code: "FORBIDDEN", message: `Only ${role}s can do this.` });
    return next({ ctx: { ...ctx, user } });
  });
}

/** Signed-in members write. */
export const memberProcedure = publicProcedure.use(requireRole("member"));
/** Moderators review. */
export const moderatorProcedure = publicProcedure.use(requireRole("moderator"));
/** Admins manage roles. */
export const adminProcedure = publicProcedure.use(requireRole("admin"));
