/**
 * A real HTTP server on 127.0.0.1 for download tests: serves in-memory files by path, honours Range
 * requests, can drop the connection half way through a response (once per path, or always), answer
 * redirects (path -> Location) and add headers per path (e.g. a hub's X-Linked-Etag).
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface ServedRequest {
  path: string;
  range: string | null;
  status: number;
}

export interface FileServer {
  url: string;
  files: Map<string, Buffer>;
  requests: ServedRequest[];
  /** Paths whose next full-or-partial response is cut after half its bytes. */
  dropOnce: Set<string>;
  /** Paths always cut after half their bytes. */
  dropAlways: Set<string>;
  /** Paths answered with a 302 to the given Location (checked before files). */
  redirects: Map<string, string>;
  /** Extra response headers per path (redirects included). */
  extraHeaders: Map<string, Record<string, string>>;
  close: () => Promise<void>;
}

const RANGE = /^bytes=(\d+)-(\d*)$/;

export async function startFileServer(): Promise<FileServer> {
  const files = new Map<string, Buffer>();
  const requests: ServedRequest[] = [];
  const dropOnce = new Set<string>();
  const dropAlways = new Set<string>();
  const redirects = new Map<string, string>();
  const extraHeaders = new Map<string, Record<string, string>>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const p = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const range = req.headers.range ?? null;
    const body = files.get(p);
    const log = (status: number) => requests.push({ path: p, range, status });
    const extra = extraHeaders.get(p) ?? {};
    const location = redirects.get(p);
    if (location !== undefined) {
      log(302);
      res.writeHead(302, { ...extra, location, "content-type": "text/plain" }).end(`secret page body for ${p}`);
      return;
    }
    if (!body) {
      log(404);
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    let start = 0;
    let end = body.length - 1;
    let status = 200;
    const m = range ? RANGE.exec(range) : null;
    if (m) {
      start = Number(m[1]);
      end = m[2] ? Math.min(Number(m[2]), body.length - 1) : body.length - 1;
      if (start >= body.length) {
        log(416);
        res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
        return;
      }
      status = 206;
    }
    log(status);
    const slice = body.subarray(start, end + 1);
    const headers: Record<string, string> = { ...extra, "content-length": String(slice.length), "accept-ranges": "bytes", "content-type": "application/octet-stream" };
    if (status === 206) headers["content-range"] = `bytes ${start}-${end}/${body.length}`;
    res.writeHead(status, headers);
    if (dropAlways.has(p) || dropOnce.delete(p)) {
      // Send half, make sure it reaches the client, then cut the connection mid-body.
      res.write(slice.subarray(0, Math.floor(slice.length / 2)), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(slice);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    files,
    requests,
    dropOnce,
    dropAlways,
    redirects,
    extraHeaders,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
