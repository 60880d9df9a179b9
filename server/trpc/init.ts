import { initTRPC, TRPCError } from "@trpc/server";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import superjson from "superjson";
import { ZodError } from "zod";
import type { UserRole } from "~/db/schema";
import { DomainError } from "../errors";
import { reportInternalError, ReportedError } from "../http/internal-error";
import { BATCH_TOO_LARGE_MESSAGE } from "../http/limits";
import { enforceRateLimit, RATE_LIMITS, type RateLimit } from "../services/rate-limit";
import { fieldLabel } from "../validation/zod-messages";
import type { Context } from "./context";

/**
 * "Field: message" lines, the form a person can act on ("Authors, item 2: Remove the control
 * characters…"). Importing zod-messages gives every schema people-worded fallback messages.
 */
export function readableZodMessage(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${fieldLabel(i.path)}: ${i.message}` : i.message)).join("\n");
}

// What fetchRequestHandler says when `maxBatchSize` is exceeded; replaced by a message that says the limit.
const TRPC_BATCH_MESSAGE = "Batch call exceeds maximum size";

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error, path }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    const domain = error.cause instanceof DomainError ? error.cause : null;
    // Errors that never passed through a procedure (e.g. creating the context) are made safe here.
    const report = error.cause instanceof ReportedError ? error.cause : error.code === "INTERNAL_SERVER_ERROR" ? reportInternalError(error.cause ?? error, `tRPC ${path ?? "request"}`) : null;
    let message = shape.message;
    if (zodError) message = readableZodMessage(zodError);
    else if (report) message = report.message;
    else if (error.code === "BAD_REQUEST" && error.message === TRPC_BATCH_MESSAGE) message = BATCH_TOO_LARGE_MESSAGE;
    const unavailable = report?.unavailable === true;
    // Never the stack (tRPC adds it in development): it repeats the original message.
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message,
      code: unavailable ? TRPC_ERROR_CODES_BY_KEY.SERVICE_UNAVAILABLE : shape.code,
      data: {
        ...data,
        ...(unavailable ? { code: "SERVICE_UNAVAILABLE" as const, httpStatus: 503 } : {}),
        // Validation problems as "field: message" lines a form can show next to its fields.
        fieldErrors: zodError ? Object.fromEntries(zodError.issues.map((i) => [i.path.join("."), i.message])) : null,
        details: domain?.details ?? null,
        errorId: report && !unavailable ? report.errorId : null,
      },
    };
  },
});

/**
 * Domain errors become tRPC errors with the same code and message, and input validation errors
 * get readable messages for every caller (HTTP and server-side). Anything else is unexpected: it
 * is logged once under an error id and replaced by a generic message (503 when the database is
 * unreachable), so no SQL, parameters or stack reach a client.
 */
const mapErrors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const { cause } = result.error;
    if (cause instanceof DomainError) throw new TRPCError({ code: cause.code, message: cause.message, cause });
    if (cause instanceof ZodError) throw new TRPCError({ code: "BAD_REQUEST", message: readableZodMessage(cause), cause });
    if (result.error.code === "INTERNAL_SERVER_ERROR" && !(cause instanceof ReportedError)) {
      const report = reportInternalError(cause ?? result.error, `tRPC ${path}`);
      throw new TRPCError({ code: report.unavailable ? "SERVICE_UNAVAILABLE" : "INTERNAL_SERVER_ERROR", message: report.message, cause: report });
    }
  }
  return result;
});

const ROLE_RANK: Record<UserRole, number> = { member: 1, moderator: 2, admin: 3 };
const isStaff = (role: UserRole) => ROLE_RANK[role] >= ROLE_RANK.moderator;

/**
 * Every mutation counts against its address and, when signed in, its user; new procedures are
 * limited without opting in. Counted before the input is read, so floods of bad input count too.
 */
const limitWrites = t.middleware(async ({ ctx, type, next }) => {
  if (type === "mutation") {
    const user = await ctx.getUser();
    const staff = user !== null && isStaff(user.role);
    await enforceRateLimit(ctx.db, staff ? RATE_LIMITS.writesPerIpStaff : RATE_LIMITS.writesPerIp, ctx.clientIp);
    if (user) await enforceRateLimit(ctx.db, staff ? RATE_LIMITS.writesPerStaffUser : RATE_LIMITS.writesPerUser, user.id);
  }
  return next();
});

/** An extra limit for one procedure, e.g. sign-ups per address; place it after `.input()` so only valid calls count. */
export function rateLimited(limit: RateLimit, keyOf: (ctx: Context) => string) {
  return t.middleware(async ({ ctx, next }) => {
    await enforceRateLimit(ctx.db, limit, keyOf(ctx));
    return next();
  });
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Anyone may read; writes are rate-limited. */
export const publicProcedure = t.procedure.use(mapErrors).use(limitWrites);

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
