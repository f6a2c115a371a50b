/**
 * The admin page. It shows one page of clients at a time (with a search by
 * client id, company or user email); the server hands the page over as a
 * slice that is a valid state: the page's clients with their owners, every
 * user who owns or is linked to them, their links and invites. Every edit
 * runs first in the browser, through the same WebAssembly module the server
 * uses, on that slice. A browser error is shown inline and the server is not
 * called; otherwise the same params go to `POST /includes/api.php`, both
 * verdicts are shown side by side, and the page's slice is loaded again.
 * Every WHMCS message on this page comes from the module.
 */
import {
  formatResponse,
  init,
  localApi,
  PERMISSIONS,
  type ApiResponse,
  type CanonicalState,
  type Client,
  type User,
} from "whmcs-permissions";

type Params = Record<string, string | string[]>;
type Child = Node | string | null | undefined | false;

/** The page the server sent: its clients and the slice around them. */
interface AdminPage {
  total: number;
  start: number;
  limit: number;
  search: string;
  state: CanonicalState;
}

let state: CanonicalState | undefined;
let page: AdminPage | undefined;
/** Clients per page: 5 (a page stays light at any size of the database), or `?per=N` (1-100) in the page's address. */
const perPage = Number(new URLSearchParams(location.search).get("per")) || 5;
const query = { start: 0, limit: Math.min(100, Math.max(1, Math.floor(perPage))), search: "" };
let credentials: { identifier: string; secret: string } | undefined;
let busy = false;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Builds an element; text is always set as text, never parsed as HTML. */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === undefined) continue;
    if (name === "class") el.className = String(value);
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

// ---------------------------------------------------------------- state

function userName(user: User | undefined, id: number): string {
  if (!user) return `User #${id}`;
  return typeof user.name === "string" ? user.name : (user.email ?? `User #${id}`);
}
const clientName = (client: Client): string => (typeof client.company === "string" ? client.company : `Client #${client.id}`);
let usersById = new Map<number, User>();
const findUser = (id: number) => usersById.get(id);

function authHeaders(): Record<string, string> {
  if (!credentials) return {};
  const token = btoa(String.fromCharCode(...new TextEncoder().encode(`${credentials.identifier}:${credentials.secret}`)));
  return { Authorization: `Basic ${token}` };
}

/** Fetches the current page of clients. Returns undefined (and says why) when it cannot. */
async function fetchPage(): Promise<AdminPage | undefined> {
  const url = `/api/admin/clients?${new URLSearchParams({ start: String(query.start), limit: String(query.limit), search: query.search })}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: authHeaders(), cache: "no-store" });
  } catch (error) {
    setStatus(`Could not load the clients: ${error instanceof Error ? error.message : String(error)}`, "warn");
    return undefined;
  }
  if (res.status === 401) {
    ($("auth") as HTMLDetailsElement).open = true;
    setStatus("This server requires API credentials: enter them under “API credentials” below.", "warn");
    return undefined;
  }
  if (!res.ok) {
    setStatus(`Could not load the clients: HTTP ${res.status} ${await res.text()}`, "warn");
    return undefined;
  }
  return (await res.json()) as AdminPage;
}

/** Loads the page `query` names and shows it. */
async function load(): Promise<boolean> {
  const next = await fetchPage();
  if (!next) return false;
  page = next;
  state = next.state;
  usersById = new Map(state.users.map((u) => [u.id, u]));
  render();
  return true;
}

function setStatus(text: string, kind: "ok" | "warn" = "ok") {
  const el = $("status");
  el.textContent = text;
  el.dataset.kind = kind;
}

// ---------------------------------------------------------------- rendering

function render() {
  if (!state || !page) return;
  const container = $("clients");
  const wanted = new Set(state.clients.map((c) => `client-${c.id}`));
  for (const old of Array.from(container.children)) if (!wanted.has(old.id)) old.remove();
  let previous: HTMLElement | null = null;
  for (const client of state.clients) {
    let section = document.getElementById(`client-${client.id}`);
    if (!section) section = clientSection(client);
    // In page order; sections that stay keep their live regions.
    if (previous ? previous.nextElementSibling !== section : container.firstElementChild !== section) {
      if (previous) previous.after(section);
      else container.prepend(section);
    }
    previous = section;
    section.querySelector("tbody")!.replaceChildren(...clientRows(client));
    section.querySelector(".invites")!.replaceChildren(...inviteList(client));
  }
  if (state.clients.length === 0) container.replaceChildren(h("p", { class: "card muted" }, page.search ? `No client matches “${page.search}”.` : "No clients yet."));
  renderInviteClients();
  renderPager();
  const first = page.total === 0 ? 0 : page.start + 1;
  const last = page.start + state.clients.length;
  setStatus(
    `WebAssembly module loaded in this browser. Clients ${first.toLocaleString("en")}–${last.toLocaleString("en")} of ` +
      `${page.total.toLocaleString("en")}${page.search ? ` matching “${page.search}”` : ""}; on this page: ${state.users.length} users, ` +
      `${state.user_clients.length} user–client links, ${state.invites.length} pending invites.`,
  );
}

function renderPager() {
  const p = page!;
  const prev = $<HTMLButtonElement>("page-prev");
  const next = $<HTMLButtonElement>("page-next");
  prev.disabled = p.start === 0;
  next.disabled = p.start + p.limit >= p.total;
  const pages = Math.max(1, Math.ceil(p.total / p.limit));
  $("page-info").textContent = `Page ${(Math.floor(p.start / p.limit) + 1).toLocaleString("en")} of ${pages.toLocaleString("en")}`;
}

/** The parts of a client's card that stay put across re-renders (so live regions keep working). */
function clientSection(client: Client): HTMLElement {
  const title = `client-${client.id}-title`;
  const headRow = h(
    "tr",
    {},
    h("th", { scope: "col", class: "user-col" }, "User"),
    ...PERMISSIONS.map((p) => h("th", { scope: "col", class: "perm" }, h("span", {}, p))),
    h("th", { scope: "col", class: "actions-col" }, "Actions"),
  );
  return h(
    "section",
    { id: `client-${client.id}`, class: "card client", "aria-labelledby": title },
    h("div", { class: "card-head" }, h("h2", { id: title }, clientName(client)), h("span", { class: "muted" }, `client #${client.id}`)),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "grid" },
        h("caption", { class: "visually-hidden" }, `Users of ${clientName(client)} and their permissions`),
        h("thead", {}, headRow),
        h("tbody"),
      ),
    ),
    h("div", { class: "verdict-area", id: `verdict-${client.id}`, "aria-live": "polite" }),
    h("div", { class: "invites" }),
  );
}

function clientRows(client: Client): HTMLTableRowElement[] {
  const owner = client.owner_user_id;
  const links = state!.user_clients.filter((l) => l.client_id === client.id && l.user_id !== owner);
  links.sort((a, b) => a.user_id - b.user_id);
  return [row(client, owner, null), ...links.map((l) => row(client, l.user_id, l.permissions))];
}

/** One user's row; `held` is null for the owner (who holds every permission). */
function row(client: Client, userId: number, held: readonly string[] | null): HTMLTableRowElement {
  const isOwner = held === null;
  const name = userName(findUser(userId), userId);
  const user = findUser(userId);
  const on = `${name} on ${clientName(client)}`;
  const tr = h("tr", { class: isOwner ? "owner" : "", "data-user": String(userId), "data-client": String(client.id) });
  tr.append(
    h(
      "th",
      { scope: "row", class: "user-col" },
      h("span", { class: "name" }, name),
      isOwner && h("span", { class: "badge", title: "The owner holds every permission; they cannot be changed" }, "Owner"),
      h("span", { class: "email" }, user?.email ? `${user.email} · #${userId}` : `#${userId}`),
    ),
  );
  for (const p of PERMISSIONS) {
    const box = h("input", {
      type: "checkbox",
      name: p,
      checked: isOwner || held.includes(p),
      disabled: isOwner,
      title: isOwner ? "Owners hold every permission" : undefined,
    });
    box.addEventListener("change", () => markDirty(tr, held));
    tr.append(h("td", { class: "cell" }, h("label", {}, box, h("span", { class: "visually-hidden" }, `${p} for ${name}`))));
  }
  const save = h(
    "button",
    { type: "button", class: "btn small", "aria-label": `${isOwner ? "Edit" : "Save"} the permissions of ${on}` },
    isOwner ? "Edit" : "Save",
  );
  const remove = h("button", { type: "button", class: "btn small danger", "aria-label": `Remove ${on}` }, "Remove");
  save.addEventListener("click", () => void updatePermissions(client, userId, tr, on));
  remove.addEventListener("click", () => void removeLink(client, userId, on));
  tr.append(h("td", { class: "actions" }, save, remove));
  return tr;
}

function checkedIn(root: ParentNode): string[] {
  return Array.from(root.querySelectorAll<HTMLInputElement>("input[type=checkbox]:checked"), (b) => b.name);
}

function markDirty(tr: HTMLTableRowElement, held: readonly string[] | null) {
  const now = checkedIn(tr);
  const dirty = held !== null && (now.length !== held.length || now.some((p) => !held.includes(p)));
  tr.classList.toggle("dirty", dirty);
}

function inviteList(client: Client): Node[] {
  const invites = state!.invites.filter((i) => i.client_id === client.id);
  if (invites.length === 0) return [h("p", { class: "muted small" }, "No pending invites.")];
  return [
    h("h3", {}, "Pending invites"),
    h(
      "ul",
      { class: "invite-list" },
      ...invites.map((i) =>
        h("li", {}, h("span", { class: "name" }, i.email ?? "(no email)"), h("span", { class: "muted" }, i.permissions.join(", ") || "no permissions")),
      ),
    ),
  ];
}

function renderInviteClients() {
  const select = $<HTMLSelectElement>("invite-client");
  const previous = select.value;
  select.replaceChildren(...state!.clients.map((c) => h("option", { value: String(c.id) }, `${clientName(c)} (#${c.id})`)));
  if (previous && Array.from(select.options).some((o) => o.value === previous)) select.value = previous;
}

function renderInvitePermissions() {
  $("invite-permissions").replaceChildren(
    ...PERMISSIONS.map((p) =>
      h("label", { class: "perm-option" }, h("input", { type: "checkbox", name: p, checked: p === "profile" }), h("span", {}, p)),
    ),
  );
}

// ---------------------------------------------------------------- commands

function updatePermissions(client: Client, userId: number, tr: HTMLTableRowElement, on: string) {
  const permissions = checkedIn(tr);
  const params: Params = { action: "UpdateUserPermissions", user_id: String(userId), client_id: String(client.id) };
  // Like a form post: no box checked sends no `permissions` at all.
  if (permissions.length) params.permissions = permissions;
  return run(params, $(`verdict-${client.id}`), on);
}

function removeLink(client: Client, userId: number, on: string) {
  const params: Params = { action: "DeleteUserClient", user_id: String(userId), client_id: String(client.id) };
  return run(params, $(`verdict-${client.id}`), on);
}

function sendInvite(event: SubmitEvent) {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  const clientId = $<HTMLSelectElement>("invite-client").value;
  const email = $<HTMLInputElement>("invite-email").value;
  const params: Params = { action: "CreateClientInvite", client_id: clientId, email };
  const permissions = checkedIn(form);
  if (permissions.length) params.permissions = permissions;
  const client = state?.clients.find((c) => String(c.id) === clientId);
  return run(params, $("invite-verdict"), `${email || "(no email)"} to ${client ? clientName(client) : `client #${clientId}`}`).then((ok) => {
    if (ok) $<HTMLInputElement>("invite-email").value = "";
  });
}

interface ServerAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** Posts the params form-encoded, PHP style (`permissions[]=a&permissions[]=b`). */
async function callServer(params: Params): Promise<ServerAnswer> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) for (const v of value) body.append(`${key}[]`, v);
    else body.append(key, value);
  }
  body.append("responsetype", "json");
  if (credentials) {
    body.append("identifier", credentials.identifier);
    body.append("secret", credentials.secret);
  }
  const res = await fetch("/includes/api.php", { method: "POST", body });
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() };
}

/**
 * Runs one command: in the browser first, then (unless the browser refused
 * it) on the server. Shows both verdicts; resolves true when both succeeded.
 */
async function run(params: Params, area: HTMLElement, subject: string): Promise<boolean> {
  if (!state || busy) return false;
  busy = true;
  document.body.setAttribute("aria-busy", "true");
  const command = params.action as string;
  try {
    const local = localApi(command, params, state);
    const browserText = formatResponse(local.response, "json", command);
    if (local.response.result === "error") {
      showVerdict(area, { command, subject, browser: local.response, browserText });
      log({ command, params, browserText });
      return false;
    }

    let server: ServerAnswer;
    try {
      server = await callServer(params);
    } catch (error) {
      server = { status: 0, contentType: "", text: `network error: ${error instanceof Error ? error.message : String(error)}` };
    }
    const answersMatch = server.text === browserText;
    const predicted = local.state;
    let statesMatch: boolean | undefined;
    if (await load()) {
      // The page's clients, links and invites as the browser predicted them and as the server now holds them
      // (users may differ: one removed from the page's last client is no longer part of the page).
      const part = (s: CanonicalState) => JSON.stringify([s.clients, s.user_clients, s.invites]);
      statesMatch = part(state!) === part(predicted);
    }
    showVerdict(area, { command, subject, browser: local.response, browserText, server, answersMatch, statesMatch, changes: local.changes.length });
    log({ command, params, browserText, server, answersMatch });
    return answersMatch && local.response.result === "success";
  } finally {
    busy = false;
    document.body.removeAttribute("aria-busy");
  }
}

interface Verdict {
  command: string;
  subject: string;
  browser: ApiResponse;
  browserText: string;
  server?: ServerAnswer;
  answersMatch?: boolean;
  statesMatch?: boolean;
  changes?: number;
}

function showVerdict(area: HTMLElement, v: Verdict) {
  const refused = v.browser.result === "error";
  const mismatch = v.server !== undefined && (!v.answersMatch || v.statesMatch === false);
  const kind = mismatch ? "warn" : refused ? "error" : "ok";
  const headline = refused
    ? h("p", { class: "headline" }, h("span", { class: "icon", "aria-hidden": "true" }, "✕"), h("span", { class: "message" }, (v.browser as { message: string }).message))
    : h(
        "p",
        { class: "headline" },
        h("span", { class: "icon", "aria-hidden": "true" }, "✓"),
        h("span", { class: "message" }, v.browser.result),
        h("span", { class: "muted" }, v.changes ? ` · ${v.changes} change${v.changes > 1 ? "s" : ""} saved` : " · nothing to change"),
      );
  const serverSide = v.server
    ? h("code", {}, v.server.status === 200 ? v.server.text : `HTTP ${v.server.status} · ${v.server.text}`)
    : h("span", { class: "not-called" }, "not called: the browser already refused this edit");
  const note = !v.server
    ? null
    : mismatch
      ? h(
          "p",
          { class: "match mismatch", role: "alert" },
          h("strong", {}, "⚠ Mismatch: "),
          !v.answersMatch
            ? "the server answered differently from the browser. The page's copy of the state was probably stale; it has been reloaded."
            : "the answers agree, but the server's state differs from the one the browser computed.",
        )
      : h("p", { class: "match" }, "Browser and server agree, byte for byte.");
  area.replaceChildren(
    h(
      "div",
      { class: `verdict ${kind}` },
      h("p", { class: "subject" }, h("strong", {}, v.command), ` · ${v.subject}`),
      headline,
      h(
        "dl",
        { class: "sides" },
        h("div", {}, h("dt", {}, "Browser (WASM)"), h("dd", {}, h("code", {}, v.browserText))),
        h("div", {}, h("dt", {}, "Server"), h("dd", {}, serverSide)),
      ),
      note,
    ),
  );
}

function log(entry: { command: string; params: Params; browserText: string; server?: ServerAnswer; answersMatch?: boolean }) {
  const list = $("log");
  const time = new Date().toLocaleTimeString();
  const outcome = !entry.server
    ? h("span", { class: "tag error" }, "server not called")
    : entry.answersMatch
      ? h("span", { class: "tag ok" }, "match")
      : h("span", { class: "tag warn" }, "mismatch");
  list.prepend(
    h(
      "li",
      {},
      h("div", { class: "log-head" }, h("time", {}, time), h("strong", {}, entry.command), outcome),
      h("code", { class: "params" }, JSON.stringify(entry.params)),
      h("div", { class: "log-sides" }, h("span", {}, "browser: ", h("code", {}, entry.browserText)), entry.server && h("span", {}, "server: ", h("code", {}, entry.server.text))),
    ),
  );
  while (list.children.length > 12) list.lastElementChild!.remove();
}

// ---------------------------------------------------------------- start

async function start() {
  renderInvitePermissions();
  $("invite").addEventListener("submit", (e) => void sendInvite(e as SubmitEvent));
  $("auth-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const identifier = $<HTMLInputElement>("auth-identifier").value;
    const secret = $<HTMLInputElement>("auth-secret").value;
    credentials = identifier || secret ? { identifier, secret } : undefined;
    await load();
  });
  $("search").addEventListener("submit", (e) => {
    e.preventDefault();
    query.search = $<HTMLInputElement>("search-text").value;
    query.start = 0;
    void load();
  });
  $("page-prev").addEventListener("click", () => {
    query.start = Math.max(0, query.start - query.limit);
    void load();
  });
  $("page-next").addEventListener("click", () => {
    query.start += query.limit;
    void load();
  });
  try {
    await init();
  } catch (error) {
    setStatus(`The WebAssembly module could not be loaded: ${error instanceof Error ? error.message : String(error)}`, "warn");
    return;
  }
  await load();
  document.documentElement.dataset.ready = "true";
}

void start();
