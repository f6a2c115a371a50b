/**
 * The page's requests: `POST /includes/api.php` (the command, as WHMCS
 * receives it), `POST /api/slice` (the rows a command reads, as a valid
 * state, without running it) and `GET /api/admin/clients` (a page of
 * clients). The API credentials, when the server wants them, stay in this
 * page: HTTP Basic for the page's routes, `identifier`/`secret` for api.php.
 */
import { readPlan, type CanonicalState, type ReadPlan } from "whmcs-permissions";
import type { AdminPage, AdminQuery } from "../server/storage/admin-page.js";

/** Params as a form sends them (PHP-style arrays for lists). */
export type Params = Record<string, string | string[]>;

let credentials: { identifier: string; secret: string } | undefined;

export function useCredentials(identifier: string, secret: string) {
  credentials = identifier || secret ? { identifier, secret } : undefined;
}

export function authHeaders(): Record<string, string> {
  if (!credentials) return {};
  const token = btoa(String.fromCharCode(...new TextEncoder().encode(`${credentials.identifier}:${credentials.secret}`)));
  return { Authorization: `Basic ${token}` };
}

/** The server wants credentials (HTTP 401). */
export class Unauthorized extends Error {}

/** The server could not answer (network error, or HTTP status other than 200); `message` says why. */
export class Unreachable extends Error {}

function form(params: Params): URLSearchParams {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) for (const v of value) body.append(`${key}[]`, v);
    else body.append(key, value);
  }
  return body;
}

async function request(url: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { cache: "no-store", ...init });
  } catch (error) {
    throw new Unreachable(`network error: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (res.status === 401) throw new Unauthorized(await res.text());
  if (!res.ok) throw new Unreachable(`HTTP ${res.status} ${(await res.text()).trim()}`);
  return res;
}

export interface ServerAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** Posts a command to api.php, form-encoded, PHP style (`permissions[]=a&permissions[]=b`); never throws. */
export async function callServer(params: Params): Promise<ServerAnswer> {
  const body = form(params);
  body.append("responsetype", "json");
  if (credentials) {
    body.append("identifier", credentials.identifier);
    body.append("secret", credentials.secret);
  }
  try {
    const res = await fetch("/includes/api.php", { method: "POST", body, cache: "no-store" });
    return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() };
  } catch (error) {
    return { status: 0, contentType: "", text: `network error: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** What `POST /api/slice` answers: the rows the command reads (and, for GetUsers, the database's count). */
export interface SliceAnswer {
  command: string | null;
  state: CanonicalState;
  totalresults?: number;
}

/**
 * The slice the server would run this command on. `password2` is left out:
 * no read plan looks at a password, so it never leaves the page for this.
 */
export async function fetchSlice(params: Params): Promise<SliceAnswer> {
  const { password2: _password, ...rest } = params;
  const res = await request("/api/slice", { method: "POST", body: form(rest), headers: authHeaders() });
  return (await res.json()) as SliceAnswer;
}

/** Whether a read plan names no record: the core says the params alone decide the answer, the same on an empty state. */
export function readsNothing(plan: ReadPlan): boolean {
  const { command: _command, writes: _writes, users, clients, links, members_with_email, users_with_email, max_user_id, users_page, ...rest } = plan;
  // A field the plan gains is a compile error here, not a record silently left out.
  const none: Record<string, never> = rest;
  void none;
  return !users.length && !clients.length && !links.length && !members_with_email.length && !users_with_email.length && !max_user_id && users_page === null;
}

const EMPTY: CanonicalState = { users: [], clients: [], user_clients: [], invites: [] };

/** The records `params` make the command read: none (and no request) when the core's read plan names none, else the server's slice. */
export async function sliceFor(params: Params): Promise<CanonicalState> {
  if (readsNothing(readPlan(params.action as string, params))) return EMPTY;
  return (await fetchSlice(params)).state;
}

/** A page of clients and the slice around them (`GET /api/admin/clients`): the server's own type. */
export type { AdminPage };

/**
 * `first`: the page's first request, the one index.html preloads (`&first=1`, which the server ignores). Only
 * that request may take the preloaded answer: a later one (say, the Permissions tab opened long after a visit
 * to `/#users`, where the preload went unused) never gets an old page.
 */
export async function fetchClients(query: AdminQuery, { first = false } = {}): Promise<AdminPage> {
  const params = new URLSearchParams({ start: String(query.start), limit: String(query.limit), search: query.search });
  if (first) params.set("first", "1");
  const url = `/api/admin/clients?${params}`;
  const res = await request(url, { headers: authHeaders() });
  return (await res.json()) as AdminPage;
}
