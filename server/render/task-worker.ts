import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/** How a task ended when the worker could not answer: the text is shown to people. */
export class TaskWorkerError extends Error {
  constructor(
    message: string,
    /** A timeout or crash caused by this input (worth remembering), rather than a passing problem. */
    readonly causedByInput: boolean,
  ) {
    super(message);
  }
}

interface Pending {
  input: unknown;
  timeoutMs: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export interface TaskWorkerOptions {
  /** Module file under server/render (TypeScript) whose top level answers `{ id, input }` messages. */
  module: string;
  /** Heap limit for the worker: a bomb that allocates is stopped, not the web process. */
  maxHeapMb: number;
  /** Stop the idle worker after this long; it is started again on the next task. */
  idleMs?: number;
  /** Most tasks waiting at once; more are refused at once instead of piling up. */
  maxQueue?: number;
  /** How long the worker may take to load its modules. */
  startupMs?: number;
}

// Next bundles this module, so import.meta.url does not point at the sources: the server, seed and
// tests all run from the project root.
const RENDER_DIR = path.join(process.cwd(), "server", "render");

/**
 * One worker thread that runs CPU-heavy parsing off the request thread, one task at a time, each
 * with a wall-time budget: a task over budget terminates the worker (the only way to stop
 * synchronous code) and the next task gets a fresh one.
 */
export class TaskWorker {
  private worker: Worker | null = null;
  private ready: Promise<Worker> | null = null;
  private readonly queue: Pending[] = [];
  private running = false;
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: TaskWorkerOptions) {}

  run(input: unknown, timeoutMs: number): Promise<unknown> {
    if (this.queue.length >= (this.options.maxQueue ?? 32)) {
      return Promise.reject(new TaskWorkerError("The server is busy with other texts; try again in a moment.", false));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ input, timeoutMs, resolve, reject });
      void this.drain();
    });
  }

  /** Stops the worker (tests, shutdown). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.ready = null;
    if (worker) await worker.terminate();
  }

  private start(): Promise<Worker> {
    const file = path.join(RENDER_DIR, this.options.module);
    const boot = path.join(RENDER_DIR, "worker-boot.mjs");
    if (!existsSync(file) || !existsSync(boot)) return Promise.reject(new Error(`worker module not found: ${file} (run from the project root)`));
    const options: WorkerOptions = {
      workerData: { module: pathToFileURL(file).href },
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb, stackSizeMb: 4 },
      stdout: false,
      stderr: false,
    };
    // Reflect.construct, not `new Worker(path)`: Next's bundler would otherwise try to bundle the
    // boot file (and tsx's esbuild binary with it); it must stay a file loaded at run time.
    const worker = Reflect.construct(Worker, [boot, options]) as Worker;
    worker.unref();
    this.worker = worker;
    return new Promise<Worker>((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new Error("the render worker did not start in time"));
      }, this.options.startupMs ?? 20_000);
      worker.once("message", () => {
        clearTimeout(timer);
        resolve(worker);
      });
      worker.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      worker.once("exit", (code) => {
        clearTimeout(timer);
        if (this.worker === worker) {
          this.worker = null;
          this.ready = null;
        }
        reject(new Error(`the render worker exited (${code}) while starting`));
      });
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    try {
      for (let task = this.queue.shift(); task; task = this.queue.shift()) {
        try {
          this.ready ??= this.start();
          const worker = await this.ready;
          task.resolve(await this.runOne(worker, task));
        } catch (error) {
          this.ready = null;
          task.reject(error instanceof TaskWorkerError ? error : new TaskWorkerError("The text could not be processed right now; try again.", false));
          if (!(error instanceof TaskWorkerError)) console.error("task worker:", error);
        }
      }
    } finally {
      this.running = false;
      this.idleTimer = setTimeout(() => void this.close(), this.options.idleMs ?? 60_000);
      this.idleTimer.unref();
    }
  }

  private runOne(worker: Worker, task: Pending): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      // Synchronous work cannot be interrupted: over budget, the worker goes.
      const timer = setTimeout(() => {
        cleanup();
        void this.discard(worker);
        reject(new TaskWorkerError(`it took longer than ${task.timeoutMs / 1000} s`, true));
      }, task.timeoutMs);
      const onMessage = (message: { id?: number; output?: unknown }) => {
        if (message.id !== id) return;
        cleanup();
        resolve(message.output);
      };
      const onError = (error: Error) => {
        cleanup();
        void this.discard(worker);
        const outOfMemory = (error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY";
        reject(new TaskWorkerError(outOfMemory ? "it needed too much memory" : "the parser crashed on it", true));
      };
      const onExit = () => {
        cleanup();
        this.discardIfCurrent(worker);
        reject(new TaskWorkerError("the parser stopped on it", true));
      };
      worker.on("message", onMessage);
      worker.once("error", onError);
      worker.once("exit", onExit);
      worker.postMessage({ id, input: task.input });
    });
  }

  private discardIfCurrent(worker: Worker) {
    if (this.worker === worker) {
      this.worker = null;
      this.ready = null;
    }
  }

  private async discard(worker: Worker) {
    this.discardIfCurrent(worker);
    await worker.terminate();
  }
}
