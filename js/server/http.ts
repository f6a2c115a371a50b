/** Small HTTP helpers for the demo server: bounded bodies and plain answers. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** The body was larger than the limit; the server answers HTTP 413. */
export class PayloadTooLarge extends Error {}

/**
 * Reads a request body of at most `limit` bytes. A larger `Content-Length`
 * is refused before reading anything; a body that grows past the limit while
 * streaming is refused at that point, and what was read is dropped (see
 * `refuse` for the rest).
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
 * Answers before the body has been read, and closes the connection the way
 * servers must when the client may still be sending ("lingering close"):
 * our side is shut at once (the client sees the answer and stops), and what
 * still arrives is read and dropped for at most a few seconds. Closing the
 * socket outright would make the client's kernel see a reset, and many
 * clients then lose the answer.
 */
export function refuse(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  const socket = req.socket as Socket & { destroySoon?: () => void };
  if (!req.complete) {
    // Node's server ends a `Connection: close` response with socket.destroySoon(),
    // which destroys the socket right after our FIN: shut down our side only.
    socket.destroySoon = () => socket.end();
    const timer = setTimeout(() => socket.destroy(), 5000).unref();
    socket.once("close", () => clearTimeout(timer));
    req.resume();
  }
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
