import type { LogitLensParams } from "../../../server/probes/spec";
import type { HostedModel } from "../../runtime/types";
import { ProbeInputError } from "../types";
import type { CausalContext } from "./context";

export async function logitLens(_model: HostedModel, _params: LogitLensParams, ctx: CausalContext): Promise<{ result: unknown; artifacts: null }> {
  throw new ProbeInputError(`${ctx.path}: logitLens is not available in this engine yet`);
}
