/**
 * Structured progress and cancellation for runProbe. The engine reads activations through a
 * metered wrapper of its source: every read is split into batches of prompts, and after each batch
 * the progress callback runs (and is awaited) and the abort signal is checked — so a worker can
 * write progress, stop a cancelled run, or enforce a time limit between batches, never mid-batch.
 * Batching changes nothing in the numbers: every prompt's activations are computed on their own.
 */
import type { ReadoutPosition } from "../../server/probes/spec";
import type { ActivationSource, Intervention, TokenActivations } from "./activation-source";

export interface ProbeProgress {
  /** "reading", "computing" (the per-layer methods), "anchors", "steering", "ablation", "neuron map", "done". */
  stage: string;
  /** Human-readable detail, e.g. "reading blocks.3.hook_resid_post". */
  message: string;
  /** Overall progress, 0–100 (estimated from the forward passes planned). */
  percent: number;
  /** Examples read in the current stage, out of examplesTotal. */
  examplesDone: number;
  examplesTotal: number;
  /** The layer being read, when the stage reads one. */
  layer: number | null;
}

export type ProgressCallback = (p: ProbeProgress) => void | Promise<void>;

/** Thrown when runProbe stops because its signal was aborted without a reason of its own. */
export class ProbeStoppedError extends Error {
  constructor(message = "the probe run was stopped") {
    super(message);
    this.name = "ProbeStoppedError";
  }
}

export function throwIfStopped(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  throw reason instanceof Error ? reason : new ProbeStoppedError(typeof reason === "string" ? reason : undefined);
}

/** Wraps a source: batches reads, counts forward passes, reports progress and honours the signal. */
export class MeteredSource implements ActivationSource {
  readonly info: ActivationSource["info"];
  readonly tokenCount?: (text: string) => number;
  readonly completionLogProbs?: ActivationSource["completionLogProbs"];
  readonly tokenActivations?: ActivationSource["tokenActivations"];
  /** Planned forward passes (prompt sequences) for the whole run; percent = done / planned. */
  plannedUnits = 1;
  private doneUnits = 0;
  private current = { stage: "reading", message: "", layer: null as number | null, examplesDone: 0, examplesTotal: 0 };

  constructor(
    private readonly inner: ActivationSource,
    private readonly batchSize: number,
    private readonly onProgress: ProgressCallback | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.info = inner.info;
    if (inner.tokenCount) this.tokenCount = (text) => inner.tokenCount!(text);
    if (inner.completionLogProbs) this.completionLogProbs = (p, c, i) => this.scoreBatched(p, c, i);
    if (inner.tokenActivations) this.tokenActivations = (p, h) => this.tokensBatched(p, h);
  }

  /** Starts a stage: the next batches count towards its examples. */
  async stage(stage: string, message: string, layer: number | null, examplesTotal: number): Promise<void> {
    this.current = { stage, message, layer, examplesDone: 0, examplesTotal };
    await this.tick();
  }

  /** Between batches of one stage: now working on this layer (e.g. fitting the methods on it). */
  async at(stage: string, message: string, layer: number): Promise<void> {
    this.current = { ...this.current, stage, message, layer };
    await this.tick();
  }

  /** Reports progress, then throws if the run was stopped. */
  async tick(): Promise<void> {
    await this.onProgress?.({
      ...this.current,
      percent: this.percent(),
    });
    throwIfStopped(this.signal);
  }

  /** 100 once everything planned is done; the callback's final report. */
  async finish(): Promise<void> {
    this.doneUnits = this.plannedUnits;
    this.current = { ...this.current, stage: "done", message: "done", examplesDone: this.current.examplesTotal };
    await this.tick();
  }

  private percent(): number {
    return Math.min(100, (100 * this.doneUnits) / Math.max(1, this.plannedUnits));
  }

  private async afterBatch(prompts: number, sequences: number): Promise<void> {
    this.doneUnits += sequences;
    this.current.examplesDone = Math.min(this.current.examplesTotal || Number.POSITIVE_INFINITY, this.current.examplesDone + prompts);
    await this.tick();
  }

  async read(prompts: readonly string[], hooks: readonly string[], position: ReadoutPosition, intervention?: Intervention): Promise<Map<string, Float32Array>> {
    throwIfStopped(this.signal);
    if (prompts.length <= this.batchSize) {
      const out = await this.inner.read(prompts, hooks, position, intervention);
      await this.afterBatch(prompts.length, prompts.length);
      return out;
    }
    const out = new Map<string, Float32Array>();
    for (let b = 0; b < prompts.length; b += this.batchSize) {
      const batch = prompts.slice(b, b + this.batchSize);
      const part = await this.inner.read(batch, hooks, position, intervention);
      for (const hook of hooks) {
        const values = part.get(hook);
        if (!values) continue; // the engine reports a missing hook with its own message
        const width = values.length / batch.length;
        let X = out.get(hook);
        if (!X) {
          X = new Float32Array(prompts.length * width);
          out.set(hook, X);
        }
        X.set(values, b * width);
      }
      await this.afterBatch(batch.length, batch.length);
    }
    return out;
  }

  private async scoreBatched(prompts: readonly string[], completions: readonly string[], intervention?: Intervention): Promise<Float64Array> {
    throwIfStopped(this.signal);
    const out = new Float64Array(prompts.length * completions.length);
    for (let b = 0; b < prompts.length; b += this.batchSize) {
      const batch = prompts.slice(b, b + this.batchSize);
      out.set(await this.inner.completionLogProbs!(batch, completions, intervention), b * completions.length);
      await this.afterBatch(batch.length, batch.length * completions.length);
    }
    return out;
  }

  private async tokensBatched(prompts: readonly string[], hook: string): Promise<TokenActivations[]> {
    throwIfStopped(this.signal);
    const out: TokenActivations[] = [];
    for (let b = 0; b < prompts.length; b += this.batchSize) {
      const batch = prompts.slice(b, b + this.batchSize);
      out.push(...(await this.inner.tokenActivations!(batch, hook)));
      await this.afterBatch(batch.length, batch.length);
    }
    return out;
  }
}
