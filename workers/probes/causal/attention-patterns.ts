import type { AttentionPatternsParams } from "../../../server/probes/spec";
import type { HostedModel } from "../../runtime/types";
import { ProbeInputError } from "../types";
import type { CausalContext } from "./context";

export async function attentionPatterns(_model: HostedModel, _params: AttentionPatternsParams, ctx: CausalContext): Promise<{ result: unknown; artifacts: null }> {
  throw new ProbeInputError(`${ctx.path}: attentionPatterns is not available in this engine yet`);
}
