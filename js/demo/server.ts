/**
 * `npm start`: the demo server. It serves the admin page (which checks every
 * edit in the browser with the WebAssembly module first) and a
 * WHMCS-compatible `POST /includes/api.php` that runs the same module again
 * on the state file before anything is written.
 *
 *   PORT            port on 127.0.0.1 (default 8080; 0 picks a free one)
 *   STATE_FILE      the state JSON file (default data/state.json; created
 *                   from the embedded sample on first run)
 *   API_IDENTIFIER, API_SECRET   optional API credentials, both or neither
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { State } from "whmcs-permissions";
import { answerApi, authenticated, type Credentials } from "./endpoint.js";
import { BadRequest, parseParams } from "./form.js";
import { PayloadTooLarge, readBody, refuse, send, sendText } from "./http.js";
import { StartupError, StateStore } from "./store.js";

/** Request bodies above this are refused with HTTP 413. */
export const BODY_LIMIT = 1024 * 1024;

// This file is built to target/demo/server.mjs, next to public/ and the sample.
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const repoRoot = here("../../");

/** The files the server hands out, by URL path; nothing else on disk is reachable. */
const STATIC: Record<string, [file: string, type: string]> = {
  "/": [here("./public/index.html"), "text/html; charset=utf-8"],
  "/app.js": [here("./public/app.js"), "text/javascript; charset=utf-8"],
  "/style.css": [here("./public/style.css"), "text/css; charset=utf-8"],
  "/pkg/browser.mjs": [`${repoRoot}pkg/browser.mjs`, "text/javascript; charset=utf-8"],
  "/pkg/whmcs_permissions_bg.wasm": [`${repoRoot}pkg/whmcs_permissions_bg.wasm`, "application/wasm"],
};

interface Config {
  port: number;
  stateFile: string;
  credentials: Credentials | undefined;
}

function readConfig(env: NodeJS.ProcessEnv): Config {
  const portText = env.PORT ?? "8080";
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new StartupError(`PORT must be a port number (0-65535), got ${JSON.stringify(portText)}`);
  const identifier = env.API_IDENTIFIER ?? "";
  const secret = env.API_SECRET ?? "";
  if ((identifier === "") !== (secret === "")) {
    throw new StartupError("set both API_IDENTIFIER and API_SECRET to require credentials, or neither");
  }
  return {
    port,
    stateFile: env.STATE_FILE || "data/state.json",
    credentials: identifier ? { identifier, secret } : undefined,
  };
}

/** The page's Content-Security-Policy: only our own files, plus the inline import map by its hash. */
async function contentSecurityPolicy(): Promise<string> {
  const html = await fs.readFile(STATIC["/"]![0], "utf8");
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
  const hash = createHash("sha256").update(importMap).digest("base64");
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' 'sha256-${hash}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Refuses requests another web site makes from a visitor's browser (they
 * carry a foreign `Origin`) and requests whose `Host` is not this server
 * (DNS rebinding). Tools such as curl send neither problem.
 */
function sameOrigin(req: IncomingMessage, port: number): boolean {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!hosts.includes(req.headers.host ?? "")) return false;
  const origin = req.headers.origin;
  return origin === undefined || hosts.some((h) => origin === `http://${h}`);
}

/** The Basic credentials of a request, for the state endpoint. */
function basicCredentials(req: IncomingMessage): Record<string, unknown> {
  const header = req.headers.authorization ?? "";
  if (!header.startsWith("Basic ")) return {};
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? {} : { identifier: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

async function handle(req: IncomingMessage, res: ServerResponse, config: Config, store: StateStore, csp: string, port: number) {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (!sameOrigin(req, port)) {
    return sendText(res, 403, "Forbidden: cross-origin requests and foreign Host headers are refused");
  }

  if (url.pathname === "/includes/api.php") {
    if (req.method !== "POST") return sendText(res, 405, "Method Not Allowed: use POST", { Allow: "POST" });
    let body: Buffer;
    try {
      body = await readBody(req, BODY_LIMIT);
    } catch (error) {
      if (error instanceof PayloadTooLarge) {
        return refuse(req, res, 413, `Payload Too Large: request bodies are limited to ${BODY_LIMIT} bytes`);
      }
      throw error;
    }
    let params: Record<string, unknown>;
    try {
      params = parseParams(url.search.slice(1), req.headers["content-type"], body);
    } catch (error) {
      if (error instanceof BadRequest) return sendText(res, error.status, `Bad Request: ${error.message}`);
      throw error;
    }
    const answer = await answerApi(params, store, config.credentials);
    return send(res, answer.status, answer.contentType, answer.body);
  }

  if (url.pathname === "/api/state") {
    if (req.method !== "GET" && req.method !== "HEAD") return sendText(res, 405, "Method Not Allowed: use GET", { Allow: "GET" });
    if (config.credentials && !authenticated(basicCredentials(req), config.credentials)) {
      return sendText(res, 401, "Unauthorized: send the API credentials as HTTP Basic (identifier:secret)");
    }
    // Read through the queue, so the answer includes every change already accepted.
    const state = await store.serialise(() => store.current);
    return send(res, 200, "application/json", JSON.stringify(state));
  }

  const file = Object.prototype.hasOwnProperty.call(STATIC, url.pathname) ? STATIC[url.pathname] : undefined;
  if (file) {
    if (req.method !== "GET" && req.method !== "HEAD") return sendText(res, 405, "Method Not Allowed: use GET", { Allow: "GET" });
    const headers: Record<string, string> = { "Referrer-Policy": "no-referrer" };
    if (url.pathname === "/") Object.assign(headers, { "Content-Security-Policy": csp, "X-Frame-Options": "DENY" });
    return send(res, 200, file[1], await fs.readFile(file[0]), headers);
  }
  return sendText(res, 404, `Not Found: ${url.pathname}`);
}

async function main(): Promise<void> {
  const config = readConfig(process.env);
  const store = await StateStore.open(config.stateFile, async () =>
    JSON.parse(await fs.readFile(here("./sample-state.json"), "utf8")) as State,
  );
  const csp = await contentSecurityPolicy();
  let port = config.port;
  const server = createServer((req, res) => {
    handle(req, res, config, store, csp, port).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) sendText(res, 500, `Internal Server Error: ${error instanceof Error ? error.message : String(error)}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, "127.0.0.1", resolve);
  });
  port = (server.address() as AddressInfo).port;
  console.log(`whmcs-permissions demo: http://127.0.0.1:${port}/`);
  console.log(`  state file: ${store.path}`);
  console.log(`  API endpoint: POST http://127.0.0.1:${port}/includes/api.php`);
  console.log(`  credentials: ${config.credentials ? "required (API_IDENTIFIER / API_SECRET)" : "none (set API_IDENTIFIER and API_SECRET to require them)"}`);

  const stop = () => {
    server.close();
    server.closeIdleConnections();
    store.drain().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    console.error(`whmcs-permissions demo: cannot start: ${error.message}`);
    if (error.fileKept) console.error("The file was left untouched: fix or remove it, or point STATE_FILE elsewhere.");
  } else if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
    console.error(`whmcs-permissions demo: cannot start: ${(error as Error).message} (set PORT to another port)`);
  } else {
    console.error("whmcs-permissions demo: cannot start:", error);
  }
  process.exit(1);
});
