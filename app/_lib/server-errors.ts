import "server-only";
import { TRPCError } from "@trpc/server";

/** True when a server-caller call failed with the given tRPC code (e.g. NOT_FOUND, FORBIDDEN). */
export function hasTrpcCode(error: unknown, code: TRPCError["code"]): boolean {
  return error instanceof TRPCError && error.code === code;
}
