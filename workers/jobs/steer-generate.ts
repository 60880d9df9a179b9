/**
 * One steered generation of the /steer page (a steer_results row): load the model (the process's
 * model cache), resolve the unit direction at the chosen layer (a run's stored diffmean direction,
 * or the mean difference of two inline prompt sets), scale it by strength × the mean residual norm
 * at that layer over the prompt (server/services/steer/params.ts documents the units), and generate
 * three continuations with `model.generate`: default (no intervention), steered, and a seeded
 * random direction of the same norm (the baseline every steering result should be read against).
 *
 * Tokens are written to the row as they stream (throttled), then the result, once: the final save
 * locks the row and re-checks it is not already done, so a job delivered twice stores one result.
 * Bad requests fail the row at once with a message for people; other errors are retried by pg-boss.
 */
import os from "node:os";
import { and, eq, inArray } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { Database } from "~/db/client";
import { models, steerResults } from "~/db/schema";
import { STEER_ENGINE_VERSION, STEER_STREAMS, type SteerParams, type SteerPartial, type SteerResult, type SteerStreamName, steerParamsSchema } from "~/server/services/steer/params";
import { STEER_QUEUE, createSteerQueue } from "~/server/services/steer/queue";
import { randomUnitVector, scaled, unitOrNull } from "../probes/causal/random-direction";
import { deriveRng } from "../probes/stats/rng";
import type { GenerateRequest, HostedModel, SteeringIntervention } from "../runtime/types";
import { RunInputError, errorMessage, isPermanent } from "./run-experiment/errors";
import { jobAbort } from "./run-experiment/job-abort";
import { loadRunModel } from "./run-experiment/model-cache";
import { readRunDirection } from "./run-experiment/resolve-direction";

export type SteerOutcome = "done" | "failed" | "skipped";

export interface SteerJob {
  id: string;
  resultId: number;
  retryCount: number;
  retryLimit: number;
}

export interface SteerGenerateOptions {
  workerId: string;
  cacheDir?: string;
  log?: (line: string) => void;
  /** Aborted when the worker shuts down: generation stops and the job is retried. */
  signal?: AbortSignal;
  /** Least time between writes of the tokens so far (default 250 ms; 0 writes every step). */
  partialIntervalMs?: number;
  /** Per job (default 2 minutes: 3 × 64 tokens take seconds on the hosted models). */
  timeLimitMs?: number;
  /** Test seam: after each partial write. */
  afterPartial?: (resultId: number, partial: SteerPartial) => Promise<void>;
}

export async function steerGenerate(db: Database, job: SteerJob, options: SteerGenerateOptions): Promise<SteerOutcome> {
  const log = options.log ?? (() => {});
  const { resultId } = job;
  const [claimed] = await db
    .update(steerResults)
    .set({ status: "running", worker: options.workerId, jobId: job.id, startedAt: new Date(), error: null })
    .where(and(eq(steerResults.id, resultId), inArray(steerResults.status, ["queued", "running"])))
    .returning({ params: steerResults.params });
  if (!claimed) {
    log(`steer ${resultId}: done, failed or deleted already; skipped`);
    return "skipped";
  }

  const abort = jobAbort(options.signal, options.timeLimitMs ?? 2 * 60_000);
  const started = Date.now();
  try {
    const params = steerParamsSchema.parse(claimed.params);
    // Another worker version may compute this engine: let the queue retry elsewhere.
    if (params.engine !== STEER_ENGINE_VERSION) throw new Error(`this worker runs ${STEER_ENGINE_VERSION}, the generation was asked of ${params.engine}`);
    const model = await loadModel(db, params, options.cacheDir);
    abort.signal.throwIfAborted();
    const partial = new PartialWriter(db, resultId, options.partialIntervalMs ?? 250, options.afterPartial);
    const result = await computeSteer(db, model, params, { signal: abort.signal, onStep: (streams, step) => partial.report(model, streams, step) });
    const outcome = await saveResult(db, resultId, result);
    log(`steer ${resultId}: ${outcome === "done" ? `done in ${Date.now() - started} ms` : "finished elsewhere; result discarded"}`);
    return outcome === "done" ? "done" : "skipped";
  } catch (error) {
    const reason = abort.signal.aborted && abort.signal.reason instanceof Error ? abort.signal.reason : error;
    if (isPermanent(reason)) return markFailed(db, resultId, errorMessage(reason), log);
    const attempts = job.retryCount + 1;
    if (job.retryCount >= job.retryLimit) return markFailed(db, resultId, `${errorMessage(reason)} (gave up after ${attempts} attempt${attempts === 1 ? "" : "s"})`, log);
    await db
      .update(steerResults)
      .set({ status: "queued", partial: null })
      .where(and(eq(steerResults.id, resultId), eq(steerResults.status, "running")))
      .catch(() => {}); // the database may be what failed; the retry sets the row right
    log(`steer ${resultId}: attempt ${attempts} failed, will retry: ${errorMessage(reason)}`);
    throw reason;
  } finally {
    abort.dispose();
  }
}

async function loadModel(db: Database, params: SteerParams, cacheDir: string | undefined) {
  const [row] = await db.select().from(models).where(eq(models.id, params.model.id));
  if (!row) throw new RunInputError(`the model ${params.model.name} was removed from the platform since this was asked for`);
  if (!row.localPath) throw new RunInputError(`the model ${row.name} has no local weights on this platform`);
  if (row.sha256 !== params.model.sha256) throw new RunInputError(`the model ${row.name} has new weights since this was asked for — ask again to generate with them`);
  return loadRunModel({ name: row.name, localPath: row.localPath, sha256: params.model.sha256, cacheDir });
}

type Streams = Record<SteerStreamName, number[]>;

interface ComputeOptions {
  signal?: AbortSignal;
  /** The tokens each stream has generated so far, after every step of any stream. */
  onStep?: (streams: Streams, step: number) => Promise<void>;
}

/** The three continuations and what they were computed with (exported for tests). */
export async function computeSteer(db: Database, model: HostedModel, params: SteerParams, options: ComputeOptions = {}): Promise<SteerResult> {
  const { dModel: d, nLayers, contextLength } = model.config;
  const layer = params.layer;
  if (layer >= nLayers) throw new RunInputError(`${model.name} has ${nLayers} layers (0–${nLayers - 1}); layer ${layer} is past its last`);
  const tokenize = (text: string, what: string, budget: number): number[] => {
    const ids = model.tokenizer.encode(text, { addBos: true }).ids;
    if (ids.length + budget > contextLength) {
      throw new RunInputError(`${what} is ${ids.length} tokens${budget > 0 ? ` and ${budget} more are to be generated` : ""}; ${model.name} reads at most ${contextLength} — shorten it`);
    }
    return ids;
  };
  const prompt = tokenize(params.prompt, "the prompt", params.maxNewTokens);
  const hook = `blocks.${layer}.hook_resid_post`;

  const forward = await model.forward({ inputIds: [prompt], taps: [hook], logits: false });
  const resid = forward.taps.get(hook)![0]!;
  const meanResidNorm = meanNorm(resid, d, prompt.length > 1 ? 1 : 0);

  let raw: Float32Array;
  let directionSource: string;
  if (params.direction.kind === "run") {
    raw = await readRunDirection(db, params.direction.runId, layer, { ownerId: null });
    directionSource = `run ${params.direction.runId}'s diffmean direction at ${hook}`;
  } else {
    const { positive, negative } = params.direction;
    const pos = await lastTokenMean(model, positive.map((t, i) => tokenize(t, `positive prompt ${i + 1}`, 0)), hook);
    const neg = await lastTokenMean(model, negative.map((t, i) => tokenize(t, `negative prompt ${i + 1}`, 0)), hook);
    raw = Float32Array.from(pos, (v, k) => v - neg[k]!);
    directionSource = `the mean difference of ${positive.length} positive and ${negative.length} negative prompts at ${hook}, last token`;
  }
  if (raw.length !== d) throw new RunInputError(`the direction has ${raw.length} entries; ${model.name}'s residual stream has ${d} — choose a run on this model`);
  const unit = unitOrNull(raw);
  if (!unit) throw new RunInputError(`the direction at layer ${layer} is zero (the positive and negative prompts end in the same activations) — use prompts that differ in the concept`);

  const scale = params.strength * meanResidNorm;
  const vectorNorm = Math.abs(scale);
  const random = randomUnitVector(d, deriveRng(params.seed, "steer", "baseline", layer));
  const interventions: Record<SteerStreamName, SteeringIntervention[] | undefined> = {
    default: undefined,
    steered: [{ afterBlock: layer, vector: scaled(unit, scale) }],
    baseline: [{ afterBlock: layer, vector: scaled(random, vectorNorm) }],
  };

  const soFar: Streams = { default: [], steered: [], baseline: [] };
  let steps = 0;
  // The contract's steering is one [d] vector for the whole batch, so each stream is its own request;
  // they run side by side, and the page sees all three grow together.
  const outputs = await Promise.all(
    STEER_STREAMS.map(async (name) => {
      const request: GenerateRequest = {
        prompts: [prompt],
        maxNewTokens: params.maxNewTokens,
        ...(params.sampling ? { sampling: { ...params.sampling, seed: params.seed } } : {}),
        ...(interventions[name] ? { steering: interventions[name] } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        onStep: async (_step, tokens) => {
          const t = tokens[0];
          if (t === null || t === undefined) return;
          soFar[name].push(t);
          await options.onStep?.(soFar, ++steps);
        },
      };
      const out = await model.generate(request);
      return [name, { tokens: out.tokens[0] ?? [], logProbs: out.logProbs[0] ?? [], stoppedBy: out.stoppedBy[0] ?? "budget" }] as const;
    }),
  );

  const streams = Object.fromEntries(
    outputs.map(([name, out]) => [
      name,
      {
        text: continuationText(model, prompt, out.tokens),
        tokens: out.tokens,
        pieces: out.tokens.map((id) => model.tokenizer.piece(id)),
        logProbs: out.logProbs.map((x) => (Number.isFinite(x) ? x : -1e9)),
        stoppedBy: out.stoppedBy,
      },
    ]),
  ) as SteerResult["streams"];
  return { promptTokens: prompt.length, meanResidNorm, vectorNorm, directionSource, streams };
}

/** Mean L2 norm of the rows of x ([n × d]) from row `from` on. */
function meanNorm(x: Float32Array, d: number, from: number): number {
  const n = x.length / d;
  let sum = 0;
  for (let i = from; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[i * d + k]! ** 2;
    sum += Math.sqrt(s);
  }
  const mean = sum / Math.max(1, n - from);
  if (!Number.isFinite(mean)) throw new RunInputError("the model produced non-finite activations on this prompt — check the model's weights");
  return mean;
}

/** The mean of the hook's activation at each sequence's last token. */
async function lastTokenMean(model: HostedModel, ids: number[][], hook: string): Promise<Float64Array> {
  const d = model.config.dModel;
  const result = await model.forward({ inputIds: ids, taps: [hook], logits: false });
  const sum = new Float64Array(d);
  result.taps.get(hook)!.forEach((x, j) => {
    const o = (ids[j]!.length - 1) * d;
    for (let k = 0; k < d; k++) sum[k] = sum[k]! + x[o + k]!;
  });
  return sum.map((v) => v / ids.length);
}

/** The generated text as it reads after the prompt (decoding the whole sequence keeps leading spaces right); the stop token is not text. */
function continuationText(model: HostedModel, prompt: number[], generated: number[]): string {
  const eos = model.tokenizer.eosId;
  const body = eos !== null && generated[generated.length - 1] === eos ? generated.slice(0, -1) : generated;
  const head = model.tokenizer.decode(prompt);
  const whole = model.tokenizer.decode([...prompt, ...body]);
  return whole.startsWith(head) ? whole.slice(head.length) : model.tokenizer.decode(body);
}

/** Writes the tokens so far at most every `intervalMs` (and never after the row stopped running). */
class PartialWriter {
  private last = 0;
  constructor(
    private readonly db: Database,
    private readonly resultId: number,
    private readonly intervalMs: number,
    private readonly after?: (resultId: number, partial: SteerPartial) => Promise<void>,
  ) {}

  async report(model: HostedModel, streams: Streams, step: number): Promise<void> {
    if (Date.now() - this.last < this.intervalMs) return;
    this.last = Date.now();
    const partial: SteerPartial = {
      step,
      streams: {
        default: { text: model.tokenizer.decode(streams.default), tokens: [...streams.default] },
        steered: { text: model.tokenizer.decode(streams.steered), tokens: [...streams.steered] },
        baseline: { text: model.tokenizer.decode(streams.baseline), tokens: [...streams.baseline] },
      },
    };
    await this.db
      .update(steerResults)
      .set({ partial })
      .where(and(eq(steerResults.id, this.resultId), eq(steerResults.status, "running")));
    await this.after?.(this.resultId, partial);
  }
}

/** Stores the result exactly once: the row is locked and re-checked first. */
async function saveResult(db: Database, resultId: number, result: SteerResult): Promise<"done" | "skipped"> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select({ status: steerResults.status }).from(steerResults).where(eq(steerResults.id, resultId)).for("update");
    if (!current || current.status === "done") return "skipped";
    await tx.update(steerResults).set({ status: "done", result: { ...result }, partial: null, error: null, finishedAt: new Date() }).where(eq(steerResults.id, resultId));
    return "done";
  });
}

async function markFailed(db: Database, resultId: number, reason: string, log: (line: string) => void): Promise<SteerOutcome> {
  await db
    .update(steerResults)
    .set({ status: "failed", error: reason, partial: null, finishedAt: new Date() })
    .where(and(eq(steerResults.id, resultId), inArray(steerResults.status, ["queued", "running"])));
  log(`steer ${resultId}: failed: ${reason}`);
  return "failed";
}

export interface SteerWorkers {
  active(): number;
  stop(): Promise<void>;
}

/** Takes steer jobs in this process (one at a time: each takes seconds). */
export async function workSteerJobs(boss: PgBoss, db: Database, options: Omit<SteerGenerateOptions, "workerId" | "signal"> & { workerId?: string; pollingIntervalSeconds?: number } = {}): Promise<SteerWorkers> {
  const log = options.log ?? ((line: string) => console.log(`[worker] ${line}`));
  const workerId = options.workerId ?? `${os.hostname()}:${process.pid}`;
  const stopping = new AbortController();
  let active = 0;
  await createSteerQueue(boss);
  await boss.work(STEER_QUEUE.name, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 }, async (jobs) => {
    for (const job of jobs) {
      const payload = STEER_QUEUE.payload.safeParse(job.data);
      if (!payload.success) {
        log(`steer job ${job.id}: malformed payload ${JSON.stringify(job.data)}; dropped`);
        continue;
      }
      active++;
      try {
        await steerGenerate(db, { id: job.id, resultId: payload.data.resultId, retryCount: job.retryCount, retryLimit: job.retryLimit }, { ...options, workerId, log, signal: stopping.signal });
      } finally {
        active--;
      }
    }
  });
  return {
    active: () => active,
    stop: async () => {
      stopping.abort();
      await boss.offWork(STEER_QUEUE.name);
    },
  };
}
