import { parentPort } from "node:worker_threads";

/** The worker side of TaskWorker: answers each `{ id, input }` with `{ id, output }`, then says it is ready. */
export function serveTasks(handle: (input: unknown) => unknown): void {
  const port = parentPort;
  if (!port) throw new Error("serveTasks runs inside a worker thread");
  port.on("message", (message: { id: number; input: unknown }) => {
    port.postMessage({ id: message.id, output: handle(message.input) });
  });
  port.postMessage({ ready: true });
}
