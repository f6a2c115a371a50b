/**
 * The WHMCS-compatible `includes/api.php`: credentials, then
 * `localApi(action, params, state)`, rendered by `formatResponse` in the
 * requested `responsetype`. Every answer's text comes from the core.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { authenticationFailed, formatResponse, localApi, type ResponseFormat } from "whmcs-permissions";
import type { StateStore } from "./store.js";

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

const own = (params: Record<string, unknown>, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(params, key) ? params[key] : undefined;

/** `responsetype=xml` (any case) gives XML; anything else, or none, JSON (WHMCS's default). */
function responseFormat(params: Record<string, unknown>): ResponseFormat {
  const type = own(params, "responsetype");
  return typeof type === "string" && type.trim().toLowerCase() === "xml" ? "xml" : "json";
}

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
 * Answers one API request. Commands run one at a time; a change is written
 * to the state file before the answer is returned. A failed write answers
 * HTTP 500 and leaves the state as it was.
 */
export async function answerApi(
  params: Record<string, unknown>,
  store: StateStore,
  credentials: Credentials | undefined,
): Promise<ApiAnswer> {
  const format = responseFormat(params);
  const actionParam = own(params, "action");
  const action = typeof actionParam === "string" ? actionParam : "";
  const render = (status: number, response: Parameters<typeof formatResponse>[0]): ApiAnswer => ({
    status,
    contentType: CONTENT_TYPES[format],
    body: formatResponse(response, format, action),
  });

  if (credentials && !authenticated(params, credentials)) return render(403, authenticationFailed());

  return store.serialise(async () => {
    const { response, state, changes } = localApi(action, params, store.current);
    if (response.result === "success" && changes.length > 0) await store.commit(state);
    return render(200, response);
  });
}
