/**
 * `npm start`: the server. It serves the admin page (which checks every
 * edit in the browser with the WebAssembly module first, on the page's
 * slice of the state), a WHMCS-compatible `POST /includes/api.php` that runs
 * the same module again on the rows the command reads, `POST /api/slice`
 * (those rows, without running anything: what the page checks an edit on)
 * and `GET /healthz`.
 * Configuration: config.ts (PORT, HOST, DATABASE_URL, STATE_FILE,
 * PUBLIC_ORIGINS, API_IDENTIFIER / API_SECRET).
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { State } from "whmcs-permissions";
import { readConfig, StartupError, type Config } from "./config.js";
import { answerApi, authenticated } from "./endpoint.js";
import { BadRequest, parseParams } from "./form.js";
import { PayloadTooLarge, readBody, refuse, send, sendText } from "./http.js";
import { createLogger, type Logger } from "./log.js";
import { allowedOrigins, sameOrigin } from "./origin.js";
import { ADMIN_PAGE_MAX } from "./storage/admin-page.js";
import { DatabaseUnavailable, DriverMissing, RowRejected, SchemaTooNew, Storage } from "./storage/index.js";
import { openJsonFile } from "./storage/json-file.js";
import { describeCause } from "./storage/errors.js";

/** Request bodies above this are refused with HTTP 413. */
export const BODY_LIMIT = 1024 * 1024;

// This file is built to target/server/server.mjs, next to admin/ and the sample.
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const repoRoot = here("../../");

/** The files the server hands out, by URL path; nothing else on disk is reachable. */
const STATIC: Record<string, [file: string, type: string]> = {
  "/": [here("./admin/index.html"), "text/html; charset=utf-8"],
  "/app.js": [here("./admin/app.js"), "text/javascript; charset=utf-8"],
  "/style.css": [here("./admin/style.css"), "text/css; charset=utf-8"],
  "/pkg/browser.mjs": [`${repoRoot}pkg/browser.mjs`, "text/javascript; charset=utf-8"],
  "/pkg/whmcs_permissions_bg.wasm": [`${repoRoot}pkg/whmcs_permissions_bg.wasm`, "application/wasm"],
};

/**
 * The static files' contents, read once (at the first request for each): answered without a trip to the
 * file system's thread pool, so a page's scripts go out at once even while a slow query holds the event loop
 * (index.html preloads the first page of clients together with them). The CSP is read at start anyway.
 */
const staticFiles = new Map<string, Promise<Buffer>>();
const readStatic = (file: string): Promise<Buffer> => {
  let contents = staticFiles.get(file);
  if (!contents) {
    contents = fs.readFile(file);
    contents.catch(() => staticFiles.delete(file));
    staticFiles.set(file, contents);
  }
  return contents;
};

const sample = async () => JSON.parse(await fs.readFile(here("./sample-state.json"), "utf8")) as State;

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

/** The Basic credentials of a request, for the state and admin endpoints. */
function basicCredentials(req: IncomingMessage): Record<string, unknown> {
  const header = req.headers.authorization ?? "";
  if (!header.startsWith("Basic ")) return {};
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? {} : { identifier: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

interface Context {
  config: Config;
  storage: Storage;
  logger: Logger;
  csp: string;
  origins: URL[];
}

/** A whole number in `min..=max` from a query param, or `fallback`. */
function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const text = url.searchParams.get(name);
  if (text === null || !/^\d{1,15}$/.test(text)) return fallback;
  return Math.min(max, Math.max(min, Number(text)));
}

/** The server's own refusal for a storage failure: 503 (database away) or 500 (a row the core rejects). */
function storageFailure(res: ServerResponse, error: unknown): void {
  if (error instanceof DatabaseUnavailable) return sendText(res, 503, `Service Unavailable: ${error.message}`);
  if (error instanceof RowRejected) return sendText(res, 500, `Internal Server Error: ${error.message}`);
  throw error;
}

/** The params of an API request, as api.php reads them; undefined when the answer (400, 413, 415) was already sent. */
async function apiParams(req: IncomingMessage, res: ServerResponse, url: URL): Promise<Record<string, unknown> | undefined> {
  let body: Buffer;
  try {
    body = await readBody(req, BODY_LIMIT);
  } catch (error) {
    if (error instanceof PayloadTooLarge) {
      refuse(req, res, 413, `Payload Too Large: request bodies are limited to ${BODY_LIMIT} bytes`);
      return undefined;
    }
    throw error;
  }
  try {
    return await parseParams(url.search.slice(1), req.headers["content-type"], body);
  } catch (error) {
    if (error instanceof BadRequest) {
      sendText(res, error.status, `Bad Request: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, ctx: Context) {
  const url = new URL(req.url ?? "/", "http://localhost");
  const { config, storage } = ctx;

  // Load balancers probe by address, with any Host: the probe reveals only whether the database answers.
  if (url.pathname === "/healthz") {
    if (req.method !== "GET" && req.method !== "HEAD") return sendText(res, 405, "Method Not Allowed: use GET", { Allow: "GET" });
    try {
      await storage.health();
      return send(res, 200, "application/json", JSON.stringify({ status: "ok", database: storage.engine }));
    } catch (error) {
      return send(res, 503, "application/json", JSON.stringify({ status: "unavailable", database: storage.engine, error: describeCause(error) }));
    }
  }

  if (!sameOrigin(req, ctx.origins)) {
    return sendText(res, 403, "Forbidden: cross-origin requests and foreign Host headers are refused (see PUBLIC_ORIGINS)");
  }

  if (url.pathname === "/includes/api.php") {
    if (req.method !== "POST") return sendText(res, 405, "Method Not Allowed: use POST", { Allow: "POST" });
    const params = await apiParams(req, res, url);
    if (!params) return;
    const answer = await answerApi(params, storage, config.credentials, ctx.logger);
    return send(res, answer.status, answer.contentType, answer.body);
  }

  // The rows a command would read, as a valid state, without running it (read-only, never logged:
  // its params may hold a password, and its answer is only rows, which never hold one).
  if (url.pathname === "/api/slice") {
    if (req.method !== "POST") return sendText(res, 405, "Method Not Allowed: use POST", { Allow: "POST" });
    const params = await apiParams(req, res, url);
    if (!params) return;
    if (config.credentials && !authenticated(basicCredentials(req), config.credentials) && !authenticated(params, config.credentials)) {
      return sendText(res, 401, "Unauthorized: send the API credentials as HTTP Basic (identifier:secret) or as identifier/secret");
    }
    const action = typeof params.action === "string" && Object.prototype.hasOwnProperty.call(params, "action") ? params.action : "";
    try {
      return send(res, 200, "application/json", JSON.stringify(await storage.slice(action, params)));
    } catch (error) {
      return storageFailure(res, error);
    }
  }

  if (url.pathname === "/api/state" || url.pathname === "/api/admin/clients") {
    if (req.method !== "GET" && req.method !== "HEAD") return sendText(res, 405, "Method Not Allowed: use GET", { Allow: "GET" });
    if (config.credentials && !authenticated(basicCredentials(req), config.credentials)) {
      return sendText(res, 401, "Unauthorized: send the API credentials as HTTP Basic (identifier:secret)");
    }
    try {
      if (url.pathname === "/api/state") return send(res, 200, "application/json", JSON.stringify(await storage.exportState()));
      const page = await storage.adminPage({
        start: intParam(url, "start", 0, 0, Number.MAX_SAFE_INTEGER),
        limit: intParam(url, "limit", 10, 1, ADMIN_PAGE_MAX),
        search: url.searchParams.get("search") ?? "",
      });
      return send(res, 200, "application/json", JSON.stringify(page));
    } catch (error) {
      return storageFailure(res, error);
    }
  }

  const file = Object.prototype.hasOwnProperty.call(STATIC, url.pathname) ? STATIC[url.pathname] : undefined;
  if (file) {
    if (req.method !== "GET" && req.method !== "HEAD") return sendText(res, 405, "Method Not Allowed: use GET", { Allow: "GET" });
    const headers: Record<string, string> = { "Referrer-Policy": "no-referrer" };
    if (url.pathname === "/") Object.assign(headers, { "Content-Security-Policy": ctx.csp, "X-Frame-Options": "DENY" });
    return send(res, 200, file[1], await readStatic(file[0]), headers);
  }
  return sendText(res, 404, `Not Found: ${url.pathname}`);
}

/** Opens the configured storage; a SQLite file that does not exist yet starts as the embedded sample. */
async function openStorage(config: Config, logger: Logger): Promise<Storage> {
  if (config.storage.kind === "json-file") return openJsonFile(config.storage.path, sample);
  const url = config.storage.url;
  let fresh = false;
  if (url.engine === "sqlite" && url.path !== ":memory:") {
    fresh = !(await fs.stat(url.path).then(() => true, () => false));
    if (fresh) await fs.mkdir(dirname(url.path), { recursive: true });
  }
  const storage = await Storage.open(url, {
    onPasswordReset: (userId) => logger.info({ user_id: userId }, "password reset token recorded"),
  });
  if (fresh && (await storage.isEmpty())) await storage.importState(await sample()).catch((error) => {
    // Another process seeded it first: fine.
    if (!(error instanceof Error && error.name === "NotEmpty")) throw error;
  });
  return storage;
}

function describeStorage(config: Config, storage: Storage): string {
  return config.storage.kind === "json-file" ? `state file: ${config.storage.path}` : `database: ${storage.label}`;
}

async function main(): Promise<void> {
  const config = readConfig(process.env);
  const logger = createLogger();
  const storage = await openStorage(config, logger);
  const csp = await contentSecurityPolicy();
  const ctx: Context = { config, storage, logger, csp, origins: [] };
  const server = createServer((req, res) => {
    handle(req, res, ctx).catch((error: unknown) => {
      logger.error({ err: error }, "request failed");
      if (!res.headersSent) sendText(res, 500, `Internal Server Error: ${error instanceof Error ? error.message : String(error)}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  ctx.origins = allowedOrigins(port, config.host, config.publicOrigins);
  const shown = config.host.includes(":") ? `[${config.host}]` : config.host;
  // One write, so a reader that sees the URL sees the whole banner.
  const banner = [
    `whmcs-permissions demo: http://${shown}:${port}/`,
    `  ${describeStorage(config, storage)}${storage.migrated.length ? ` (applied migrations: ${storage.migrated.join(", ")})` : ""}`,
    `  API endpoint: POST http://${shown}:${port}/includes/api.php`,
    ...(config.publicOrigins.length ? [`  public origins: ${config.publicOrigins.map((o) => o.origin).join(", ")}`] : []),
    `  credentials: ${config.credentials ? "required (API_IDENTIFIER / API_SECRET)" : "none (set API_IDENTIFIER and API_SECRET to require them)"}`,
  ];
  process.stdout.write(`${banner.join("\n")}\n`);

  const stop = () => {
    server.close();
    server.closeIdleConnections();
    // In-flight requests finish (their transactions commit or roll back), then the pool closes.
    server.once("close", () => void storage.close().finally(() => process.exit(0)));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    console.error(`whmcs-permissions demo: cannot start: ${error.message}`);
    if (error.fileKept) console.error("The file was left untouched: fix or remove it, or point STATE_FILE elsewhere.");
  } else if (error instanceof SchemaTooNew || error instanceof DriverMissing || error instanceof DatabaseUnavailable) {
    console.error(`whmcs-permissions demo: cannot start: ${error.message}`);
  } else if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
    console.error(`whmcs-permissions demo: cannot start: ${(error as Error).message} (set PORT to another port)`);
  } else {
    console.error("whmcs-permissions demo: cannot start:", error);
  }
  process.exit(1);
});
