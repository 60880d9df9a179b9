import { z } from "zod";
import { USER_ROLES } from "~/db/schema";
import { RATE_LIMITS } from "../../services/rate-limit";
import { emailSchema, listUsers, setRole, signUp, signUpSchema } from "../../services/users";
import { adminProcedure, createTRPCRouter, publicProcedure, rateLimited } from "../init";

export const usersRouter = createTRPCRouter({
  /** Anyone may create an account (a few per address per hour); signing in happens through next-auth afterwards. */
  signUp: publicProcedure
    .input(signUpSchema)
    .use(rateLimited(RATE_LIMITS.signUpsPerIp, (ctx) => ctx.clientIp))
    .mutation(({ ctx, input }) => signUp(ctx.db, input)),
  me: publicProcedure.query(({ ctx }) => ctx.getUser()),
  list: adminProcedure
    .input(z.object({ page: z.number().int().min(1).max(100_000).default(1), pageSize: z.number().int().min(1).max(100).default(50) }))
    .query(({ ctx, input }) => listUsers(ctx.db, input.page, input.pageSize)),
  setRole: adminProcedure.input(z.object({ email: emailSchema, role: z.enum(USER_ROLES) })).mutation(({ ctx, input }) => setRole(ctx.db, input.email, input.role)),
});
