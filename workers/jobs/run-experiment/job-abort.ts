import { RunTimeLimitError, WorkerStoppingError } from "./errors";

/**
 * The abort signal of one job: aborted with a WorkerStoppingError when the worker stops, a
 * RunTimeLimitError after `limitMs`, or the reason given to `stop` (the first reason wins).
 * `dispose` (in the job's finally) clears the timer and the listener on the worker's signal.
 */
export function jobAbort(workerSignal: AbortSignal | undefined, limitMs: number) {
  const controller = new AbortController();
  const stop = (reason: Error) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onWorkerStop = () => stop(new WorkerStoppingError());
  if (workerSignal?.aborted) onWorkerStop();
  workerSignal?.addEventListener("abort", onWorkerStop, { once: true });
  const timer = setTimeout(() => stop(new RunTimeLimitError(limitMs)), limitMs);
  return {
    signal: controller.signal,
    stop,
    dispose() {
      clearTimeout(timer);
      workerSignal?.removeEventListener("abort", onWorkerStop);
    },
  };
}
