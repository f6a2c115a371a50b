/** Small HTTP helpers for the demo server: bounded bodies and plain answers. */
import type { IncomingMessage, ServerResponse } from "node:http";

/** The body was larger than the limit; the server answers HTTP 413. */
export class PayloadTooLarge extends Error {}

/**
 * Reads a request body of at most `limit` bytes. A larger `Content-Length`
 * is refused before reading anything; a body that grows past the limit while
 * streaming is refused at that point, and what was read is dropped (the rest
 * is discarded as it arrives until the connection closes; see `refuse`).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new PayloadTooLarge());
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] | undefined = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      if (!chunks) return;
      size += chunk.length;
      if (size > limit) {
        chunks = undefined;
        reject(new PayloadTooLarge());
      } else chunks.push(chunk);
    });
    req.once("end", () => chunks && resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

/**
 * Answers and closes the connection without reading the rest of the body.
 * The socket is destroyed shortly after the answer is flushed, so a client
 * that keeps sending cannot keep it open.
 */
export function refuse(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  res.once("finish", () => setTimeout(() => req.socket.destroy(), 1000).unref());
  sendText(res, status, text, { Connection: "close" });
}

/** Answers with a short plain-text message (the demo's own errors, never WHMCS's). */
export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  send(res, status, "text/plain; charset=utf-8", `${text}\n`, headers);
}

export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "Content-Type": contentType,
    "Content-Length": String(Buffer.byteLength(body)),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...headers,
  });
  res.end(body);
}
