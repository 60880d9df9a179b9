/**
 * A request whose body can be read only up to `maxBytes`: past that (or at once, when
 * Content-Length already says more) reading fails with the error from `tooLarge`, and the rest of
 * the upload is not read. Chunked bodies without a Content-Length are counted as they arrive.
 */
export function withBodyLimit(req: Request, maxBytes: number, tooLarge: () => Error): Request {
  if (!req.body) return req;
  const declared = Number(req.headers.get("content-length") ?? "");
  const source = req.body.getReader();
  let received = 0;
  const limited = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (Number.isFinite(declared) && declared > maxBytes) return refuse(controller);
      const { done, value } = await source.read();
      if (done) return controller.close();
      received += value.byteLength;
      if (received > maxBytes) return refuse(controller);
      controller.enqueue(value);
    },
    cancel: (reason) => source.cancel(reason),
  });
  function refuse(controller: ReadableStreamDefaultController<Uint8Array>) {
    controller.error(tooLarge());
    source.cancel().catch(() => {});
  }
  // `duplex: "half"` is required by fetch for a streamed request body (not yet in the DOM typings).
  const init: RequestInit & { duplex: "half" } = { method: req.method, headers: req.headers, body: limited, signal: req.signal, duplex: "half" };
  return new Request(req.url, init);
}
