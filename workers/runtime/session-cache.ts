/**
 * onnxruntime InferenceSessions cached per process, keyed by graph cache key, released
 * least-recently-used first when the estimated memory (graph file sizes) exceeds a budget.
 * Sessions in use (leased) are never released; they become candidates once returned.
 */
import os from "node:os";
import * as ort from "onnxruntime-node";

export interface SessionCacheOptions {
  /** Memory budget in bytes (default: env MECHMAP_SESSION_BUDGET_MB, else 4096 MiB). */
  budgetBytes?: number;
  /** onnxruntime intra-op threads (default: env MECHMAP_ORT_THREADS, else min(4, cpus)). */
  intraOpNumThreads?: number;
  /**
   * Let onnxruntime's worker threads spin while waiting for work (default false: on small
   * machines spinning threads compete with the Node.js thread and slow batched runs down).
   */
  allowSpinning?: boolean;
  /**
   * onnxruntime's CPU memory arena (default true: faster). The arena keeps each session's peak
   * activation memory reserved between runs, which the file-size budget does not count; turn it
   * off where many sessions stay cached.
   */
  enableCpuMemArena?: boolean;
}

export interface SessionLease {
  readonly session: ort.InferenceSession;
  /** Returns the session to the cache (it may be released if the budget is exceeded). */
  release(): Promise<void>;
}

interface Entry {
  key: string;
  bytes: number;
  session: Promise<ort.InferenceSession>;
  leases: number;
  lastUsed: number;
}

export class SessionCache {
  readonly budgetBytes: number;
  readonly intraOpNumThreads: number;
  readonly allowSpinning: boolean;
  readonly enableCpuMemArena: boolean;
  /** Counters for tests and benchmarks. */
  readonly stats = { created: 0, released: 0, hits: 0 };
  private readonly entries = new Map<string, Entry>();
  private clock = 0;

  constructor(options: SessionCacheOptions = {}) {
    this.budgetBytes = options.budgetBytes ?? envNumber("MECHMAP_SESSION_BUDGET_MB", 4096) * 1024 * 1024;
    this.intraOpNumThreads = options.intraOpNumThreads ?? envNumber("MECHMAP_ORT_THREADS", Math.min(4, os.cpus().length));
    this.allowSpinning = options.allowSpinning ?? false;
    this.enableCpuMemArena = options.enableCpuMemArena ?? true;
  }

  /** Keys currently cached, least recently used first. */
  keys(): string[] {
    return [...this.entries.values()].sort((a, b) => a.lastUsed - b.lastUsed).map((e) => e.key);
  }

  get totalBytes(): number {
    let sum = 0;
    for (const e of this.entries.values()) sum += e.bytes;
    return sum;
  }

  /** Borrows the session for `key`, creating it from `file` (estimated at `bytes`) if needed. */
  async acquire(key: string, file: string, bytes: number): Promise<SessionLease> {
    let entry = this.entries.get(key);
    if (entry) {
      this.stats.hits++;
    } else {
      const created: Entry = { key, bytes, leases: 0, lastUsed: 0, session: this.create(file) };
      this.entries.set(key, created);
      created.session.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
      entry = created;
    }
    entry.leases++;
    entry.lastUsed = ++this.clock;
    const held = entry;
    let session: ort.InferenceSession;
    try {
      session = await held.session;
    } catch (err) {
      held.leases--;
      throw err;
    }
    await this.evict();
    let returned = false;
    return {
      session,
      release: async () => {
        if (returned) return;
        returned = true;
        held.leases--;
        await this.evict();
      },
    };
  }

  /** Runs `fn` with the session leased. */
  async with<T>(key: string, file: string, bytes: number, fn: (session: ort.InferenceSession) => Promise<T>): Promise<T> {
    const lease = await this.acquire(key, file, bytes);
    try {
      return await fn(lease.session);
    } finally {
      await lease.release();
    }
  }

  /** Releases every idle session. */
  async clear(): Promise<void> {
    for (const e of [...this.entries.values()]) if (e.leases === 0) await this.drop(e);
  }

  private async create(file: string): Promise<ort.InferenceSession> {
    const session = await ort.InferenceSession.create(file, {
      intraOpNumThreads: this.intraOpNumThreads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      enableCpuMemArena: this.enableCpuMemArena,
      logSeverityLevel: 3,
      extra: { session: { intra_op: { allow_spinning: this.allowSpinning ? "1" : "0" } } },
    });
    this.stats.created++;
    return session;
  }

  private async evict(): Promise<void> {
    while (this.totalBytes > this.budgetBytes) {
      const idle = [...this.entries.values()].filter((e) => e.leases === 0).sort((a, b) => a.lastUsed - b.lastUsed);
      const victim = idle[0];
      if (!victim) return;
      await this.drop(victim);
    }
  }

  private async drop(entry: Entry): Promise<void> {
    if (this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    const session = await entry.session.catch(() => null);
    if (session) {
      await session.release();
      this.stats.released++;
    }
  }
}

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got "${raw}")`);
  return n;
}

let shared: SessionCache | null = null;

/** The process-wide session cache. */
export function sharedSessionCache(): SessionCache {
  return (shared ??= new SessionCache());
}
