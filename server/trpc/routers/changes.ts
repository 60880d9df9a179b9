import { z } from "zod";
import { notFound } from "../../errors";
import { changesCursorSchema, exactInstantSchema, listChanges } from "../../services/changes-feed";
import { slugSchema } from "../../services/technique-input";
import { listWatched, markSeen, sinceLastVisit, unwatchTechnique, watchState, watchTechnique } from "../../services/watches";
import { createTRPCRouter, memberProcedure, publicProcedure } from "../init";

const bySlug = z.object({ slug: slugSchema });

/** Accepted changes to the taxonomy and papers (feed), and members' watches. */
export const changesRouter = createTRPCRouter({
  /** One page of accepted changes, newest first, 30 per page; `nextCursor` opens the older page. Optionally one technique's. */
  feed: publicProcedure
    .input(z.object({ cursor: changesCursorSchema.optional(), technique: slugSchema.optional() }).default({}))
    .query(async ({ ctx, input }) => {
      const page = await listChanges(ctx.db, input);
      if (!page) throw notFound(`The technique “${input.technique ?? ""}”`);
      return page;
    }),
  /** Whether the viewer watches this technique, and their last visit (visitors: signedIn false). */
  watching: publicProcedure.input(bySlug).query(async ({ ctx, input }) => {
    const user = await ctx.getUser();
    return watchState(ctx.db, user?.id ?? null, input.slug);
  }),
  /** What changed on a watched technique since the viewer's last visit; null for visitors and techniques they do not watch. */
  sinceLastVisit: publicProcedure.input(bySlug).query(async ({ ctx, input }) => {
    const user = await ctx.getUser();
    return user ? sinceLastVisit(ctx.db, user.id, input.slug) : null;
  }),
  /** The viewer's watched techniques with the number of changes since each last visit. */
  watched: memberProcedure.query(({ ctx }) => listWatched(ctx.db, ctx.user.id)),
  watch: memberProcedure.input(bySlug).mutation(({ ctx, input }) => watchTechnique(ctx.db, ctx.user.id, input.slug)),
  unwatch: memberProcedure.input(bySlug).mutation(({ ctx, input }) => unwatchTechnique(ctx.db, ctx.user.id, input.slug)),
  /** Marks the technique's changes seen up to `asOf` (from sinceLastVisit), or up to now. */
  markSeen: memberProcedure
    .input(bySlug.extend({ asOf: exactInstantSchema.optional() }))
    .mutation(({ ctx, input }) => markSeen(ctx.db, ctx.user.id, input.slug, input.asOf)),
});
