/**
 * The WHMCS-compatible `includes/api.php`: credentials, then the command on
 * the rows it reads (storage), rendered by `formatResponse` in the requested
 * `responsetype`. Every WHMCS answer's text comes from the core; the
 * server's own refusals (500, 503) are plain text.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { performance } from "node:perf_hooks";
import { authenticationFailed, formatResponse, responseFormat, type ResponseFormat } from "whmcs-permissions";
import { logCall, type Logger } from "./log.js";
import { DatabaseUnavailable, RowRejected, type Storage } from "./storage/index.js";
import { ChangeMissed } from "./storage/changes.js";

/** API credentials, as WHMCS's API Authentication Credentials. */
export interface Credentials {
  identifier: string;
  secret: string;
}

export interface ApiAnswer {
  status: number;
  contentType: string;
  body: string;
}

const CONTENT_TYPES: Record<ResponseFormat, string> = {
  json: "application/json",
  xml: "text/xml; charset=utf-8",
};
const TEXT = "text/plain; charset=utf-8";

const own = (params: Record<string, unknown>, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(params, key) ? params[key] : undefined;

/** Compares two strings in time that depends on neither's content (both are hashed to 32 bytes first). */
function sameSecret(given: unknown, expected: string): boolean {
  const a = createHash("sha256").update(typeof given === "string" ? given : "").digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b) && typeof given === "string";
}

/**
 * Whether the params carry the credentials: `identifier`/`secret`, or (for
 * older integrations, as WHMCS allows) `username`/`password`.
 */
export function authenticated(params: Record<string, unknown>, credentials: Credentials): boolean {
  const viaIdentifier = own(params, "identifier") !== undefined;
  const id = viaIdentifier ? own(params, "identifier") : own(params, "username");
  const secret = viaIdentifier ? own(params, "secret") : own(params, "password");
  // Both comparisons always run, so the time does not tell which one failed.
  const idOk = sameSecret(id, credentials.identifier);
  const secretOk = sameSecret(secret, credentials.secret);
  return idOk && secretOk;
}

/**
 * Answers one API request: the command's changes are committed before the
 * answer is returned. The database not answering is HTTP 503, a row the
 * core rejects HTTP 500 naming the row; neither writes anything.
 */
export async function answerApi(
  params: Record<string, unknown>,
  storage: Storage,
  credentials: Credentials | undefined,
  logger: Logger,
): Promise<ApiAnswer> {
  const started = performance.now();
  const format = responseFormat(params);
  const actionParam = own(params, "action");
  const action = typeof actionParam === "string" ? actionParam : "";
  const render = (status: number, response: Parameters<typeof formatResponse>[0]): ApiAnswer => ({
    status,
    contentType: CONTENT_TYPES[format],
    body: formatResponse(response, format, action),
  });
  const ms = () => performance.now() - started;
  const sent = typeof actionParam === "string" ? actionParam : null;

  if (credentials && !authenticated(params, credentials)) {
    const response = authenticationFailed();
    logCall(logger, { command: sent, status: 403, response, changes: [], ms: ms() });
    return render(403, response);
  }
  try {
    const outcome = await storage.execute(action, params);
    logCall(logger, { command: outcome.command ?? sent, status: 200, response: outcome.response, changes: outcome.changes, ms: ms() });
    return render(200, outcome.response);
  } catch (error) {
    let status = 500;
    let text: string;
    if (error instanceof DatabaseUnavailable) {
      status = 503;
      text = `Service Unavailable: ${error.message}; nothing was confirmed: try again`;
    } else if (error instanceof RowRejected || error instanceof ChangeMissed) {
      text = `Internal Server Error: ${error.message}; nothing was written`;
    } else throw error;
    logCall(logger, { command: sent, status, changes: [], ms: ms(), error: error.message });
    return { status, contentType: TEXT, body: `${text}\n` };
  }
}
