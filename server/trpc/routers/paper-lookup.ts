import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { lookUpPaper, lookupSettingsFromEnv, MetadataLookupError, parseIdentifier, type LookupFailure } from "../../services/papers/metadata-lookup";
import { enforceRateLimit, type RateLimit } from "../../services/rate-limit";
import { singleLine } from "../../validation/text";
import { createTRPCRouter, memberProcedure } from "../init";

/**
 * Each look-up costs a call to arXiv or Crossref (both ask clients to keep to a modest rate), and
 * it is a query, so the write limits do not count it: it has limits of its own.
 */
const LOOKUPS_PER_USER: RateLimit = { name: "paper-lookup-user", max: 30, windowSeconds: 10 * 60, what: "paper look-ups in a short time" };
const LOOKUPS_PER_IP: RateLimit = { name: "paper-lookup-ip", max: 60, windowSeconds: 10 * 60, what: "paper look-ups from your network address" };

const STATUS: Record<LookupFailure, TRPCError["code"]> = {
  not_found: "NOT_FOUND",
  timeout: "GATEWAY_TIMEOUT",
  unreachable: "BAD_GATEWAY",
  malformed: "BAD_GATEWAY",
  too_large: "BAD_GATEWAY",
  upstream: "BAD_GATEWAY",
};

const NOT_AN_IDENTIFIER = "That is neither an arXiv id (like 2406.11717) nor a DOI (like 10.1162/coli_a_00422).";

/** Fills the new-paper form from arXiv (by arXiv id) or Crossref (by DOI). */
export const paperLookupProcedure = memberProcedure
  .input(z.object({ identifier: singleLine({ min: 1, max: 300, label: "The identifier", minMessage: "Give an arXiv id or a DOI." }) }))
  .query(async ({ ctx, input }) => {
    const identifier = parseIdentifier(input.identifier);
    if (!identifier) throw new TRPCError({ code: "BAD_REQUEST", message: NOT_AN_IDENTIFIER });
    await enforceRateLimit(ctx.db, LOOKUPS_PER_IP, ctx.clientIp);
    await enforceRateLimit(ctx.db, LOOKUPS_PER_USER, ctx.user.id);
    try {
      return await lookUpPaper(identifier, lookupSettingsFromEnv());
    } catch (error) {
      if (error instanceof MetadataLookupError) throw new TRPCError({ code: STATUS[error.reason], message: error.message, cause: error });
      throw error;
    }
  });

export const paperLookupRouter = createTRPCRouter({
  lookup: paperLookupProcedure,
});
