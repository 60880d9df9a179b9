/**
 * ActivationSource over a HostedModel: tokenise with offsets (BOS added), run the forward pass in
 * batches with the requested taps (and interventions), and pick the read-out position — the last
 * token, the mean over the prompt's tokens (BOS excluded), or the token whose character range
 * covers the marker. Completions are scored by teacher forcing on prompt + completion.
 */
import type { ReadoutPosition } from "../../server/probes/spec";
import type { Encoding, ForwardRequest, HostedModel } from "../runtime/types";
import { type ActivationSource, type Intervention, type TokenActivations, pickReadout, readoutIndex } from "./activation-source";
import { ProbeInputError } from "./types";

export interface HostedSourceOptions {
  /** Prompts per forward pass (default 32). */
  batchSize?: number;
}

interface Tokenised {
  ids: number[];
  /** Offsets of the real tokens (BOS excluded). */
  offsets: Array<[number, number]>;
  /** 1 when a BOS token was prepended, else 0. */
  skip: number;
}

export class HostedActivationSource implements ActivationSource {
  readonly info: ActivationSource["info"];
  private readonly batchSize: number;
  private readonly cache = new Map<string, Tokenised>();

  constructor(
    readonly model: HostedModel,
    opts: HostedSourceOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 32;
    this.info = { name: model.name, nLayers: model.config.nLayers, dModel: model.config.dModel, maxTokens: model.config.contextLength };
  }

  private tokenise(text: string): Tokenised {
    const hit = this.cache.get(text);
    if (hit) return hit;
    const enc: Encoding = this.model.tokenizer.encode(text, { addBos: true });
    const skip = this.model.tokenizer.bosId !== null && enc.ids[0] === this.model.tokenizer.bosId ? 1 : 0;
    const t: Tokenised = { ids: enc.ids, offsets: enc.offsets.slice(skip), skip };
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(text, t);
    return t;
  }

  tokenCount(text: string): number {
    return this.tokenise(text).ids.length;
  }

  private request(inputIds: number[][], taps: readonly string[], logits: boolean, intervention?: Intervention): ForwardRequest {
    const req: ForwardRequest = { inputIds, taps: [...taps], logits };
    if (intervention?.steering) req.steering = intervention.steering.map((s) => ({ afterBlock: s.afterBlock, vector: s.vector }));
    if (intervention?.ablation) req.ablation = { blocks: [...intervention.ablation.blocks], directions: [...intervention.ablation.directions] };
    return req;
  }

  async read(prompts: readonly string[], hooks: readonly string[], position: ReadoutPosition, intervention?: Intervention): Promise<Map<string, Float32Array>> {
    const toks = prompts.map((p) => this.tokenise(p));
    const index = toks.map((t, i) => {
      const idx = readoutIndex(prompts[i]!, t.offsets, position);
      if (idx === null) {
        if (t.offsets.length === 0) throw new ProbeInputError(`prompt ${i} ("${prompts[i]}") has no tokens — give some text`);
        throw new ProbeInputError(`prompt ${i} ("${prompts[i]!.slice(0, 60)}"): the read-out marker was not found — add it to the prompt or choose another read-out position`);
      }
      return idx;
    });
    const out = new Map<string, Float32Array>();
    for (let b = 0; b < prompts.length; b += this.batchSize) {
      const batch = toks.slice(b, b + this.batchSize);
      const result = await this.model.forward(this.request(batch.map((t) => t.ids), hooks, false, intervention));
      for (const hook of hooks) {
        const seqs = result.taps.get(hook);
        if (!seqs) throw new Error(`the model returned no tap ${hook}`);
        batch.forEach((t, j) => {
          const values = seqs[j]!;
          const width = values.length / t.ids.length;
          if (!Number.isInteger(width)) throw new Error(`the model returned ${values.length} values for ${t.ids.length} tokens at ${hook}`);
          let X = out.get(hook);
          if (!X) {
            X = new Float32Array(prompts.length * width);
            out.set(hook, X);
          }
          // Drop the BOS row, then reduce to the read-out vector.
          pickReadout(values.subarray(t.skip * width), width, index[b + j]!, X, (b + j) * width);
        });
      }
    }
    return out;
  }

  async tokenActivations(prompts: readonly string[], hook: string): Promise<TokenActivations[]> {
    const toks = prompts.map((p) => this.tokenise(p));
    const out: TokenActivations[] = [];
    for (let b = 0; b < prompts.length; b += this.batchSize) {
      const batch = toks.slice(b, b + this.batchSize);
      const result = await this.model.forward(this.request(batch.map((t) => t.ids), [hook], false));
      const seqs = result.taps.get(hook)!;
      batch.forEach((t, j) => {
        const values = seqs[j]!;
        const width = values.length / t.ids.length;
        out.push({ values: values.slice(t.skip * width), width, offsets: t.offsets });
      });
    }
    return out;
  }

  /**
   * Σ log p(completion tokens | prompt), prompt-major [prompts × completions]. The completion's tokens
   * are those of prompt + completion whose character range reaches past the prompt.
   */
  async completionLogProbs(prompts: readonly string[], completions: readonly string[], intervention?: Intervention): Promise<Float64Array> {
    const seqs: Array<{ ids: number[]; first: number }> = [];
    for (const p of prompts) {
      for (const c of completions) {
        const t = this.tokenise(p + c);
        let first = t.offsets.findIndex(([, e]) => e > p.length);
        if (first < 0) throw new ProbeInputError(`completion "${c}" adds no token to "${p.slice(0, 40)}" — use a non-empty completion`);
        first += t.skip;
        if (first === 0) first = 1; // the first token has no prediction without BOS
        seqs.push({ ids: t.ids, first });
      }
    }
    const out = new Float64Array(seqs.length);
    const V = this.model.config.vocabSize;
    for (let b = 0; b < seqs.length; b += this.batchSize) {
      const batch = seqs.slice(b, b + this.batchSize);
      const result = await this.model.forward(this.request(batch.map((s) => s.ids), [], true, intervention));
      batch.forEach((s, j) => {
        const logits = result.logits![j]!;
        let total = 0;
        for (let t = s.first; t < s.ids.length; t++) {
          const o = (t - 1) * V;
          let mx = -Infinity;
          for (let v = 0; v < V; v++) mx = Math.max(mx, logits[o + v]!);
          let se = 0;
          for (let v = 0; v < V; v++) se += Math.exp(logits[o + v]! - mx);
          total += logits[o + s.ids[t]!]! - mx - Math.log(se);
        }
        out[b + j] = total;
      });
    }
    return out;
  }
}
