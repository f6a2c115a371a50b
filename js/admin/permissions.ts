/**
 * The permissions view: one page of clients at a time (with a search by
 * client id, company or user email); the server hands the page over as a
 * slice that is a valid state: the page's clients with their owners, every
 * user who owns or is linked to them, their links and invites. Every edit
 * runs first in the browser on that slice (it holds every member of the
 * shown clients, so the browser's answer is exact), then on the server; the
 * page's slice is loaded again and compared with the browser's prediction.
 */
import { PERMISSIONS, PermissionStore, type CanonicalState, type Client, type User } from "whmcs-permissions";
import { $, exclusive, h, setStatus, setSummary } from "./dom.js";
import { fetchClients, Unauthorized, type AdminPage, type Params } from "./net.js";
import { checkThenSend, showVerdict } from "./verdict.js";

let state: CanonicalState | undefined;
let page: AdminPage | undefined;
const query = { start: 0, limit: 5, search: "" };
let usersById = new Map<number, User>();
const findUser = (id: number) => usersById.get(id);

/** A user as the page names them: the record's `name` (the sample has one), else "first last", else the email. */
function userName(user: User | undefined, id: number): string {
  if (!user) return `User #${id}`;
  if (typeof user.name === "string") return user.name;
  const full = [user.firstname, user.lastname].filter((p) => typeof p === "string" && p !== "").join(" ");
  return full || (user.email ?? `User #${id}`);
}
const clientName = (client: Client): string => (typeof client.company === "string" ? client.company : `Client #${client.id}`);

/** Says why a request failed; a 401 opens the credentials form. */
export function explain(what: string, error: unknown) {
  if (error instanceof Unauthorized) {
    ($("auth") as HTMLDetailsElement).open = true;
    setStatus("This server requires API credentials: enter them under “API credentials” below.", "warn");
  } else setStatus(`Could not load ${what}: ${error instanceof Error ? error.message : String(error)}`, "warn");
}

/** Asks the server for the page `query` names. */
export const requestClients = (): Promise<AdminPage> => fetchClients(query);

/** Shows the page `query` names (`pending`: its request, when already sent). */
export async function loadClients(pending: Promise<AdminPage> = requestClients()): Promise<boolean> {
  let next: AdminPage;
  try {
    next = await pending;
  } catch (error) {
    explain("the clients", error);
    return false;
  }
  page = next;
  state = next.state;
  usersById = new Map(state.users.map((u) => [u.id, u]));
  render();
  return true;
}

/** Searches `search` from the first page at the next load (the Users view's client links use it). */
export function setClientSearch(search: string) {
  $<HTMLInputElement>("search-text").value = search;
  query.search = search;
  query.start = 0;
}

// ---------------------------------------------------------------- rendering

function render() {
  if (!state || !page) return;
  // What each shown user holds, from the core (O(1) per row once the slice is indexed).
  const store = PermissionStore.fromState(state);
  try {
    renderClients(store);
  } finally {
    store.free();
  }
  renderInviteClients();
  renderPager();
  const first = page.total === 0 ? 0 : page.start + 1;
  const last = page.start + state.clients.length;
  setSummary(
    "permissions",
    `WebAssembly module loaded in this browser. Clients ${first.toLocaleString("en")}–${last.toLocaleString("en")} of ` +
      `${page.total.toLocaleString("en")}${page.search ? ` matching “${page.search}”` : ""}; on this page: ${state.users.length} users, ` +
      `${state.user_clients.length} user–client links, ${state.invites.length} pending invites.`,
  );
}

function renderClients(store: PermissionStore) {
  const container = $("clients");
  const wanted = new Set(state!.clients.map((c) => `client-${c.id}`));
  for (const old of Array.from(container.children)) if (!wanted.has(old.id)) old.remove();
  let previous: HTMLElement | null = null;
  for (const client of state!.clients) {
    let section = document.getElementById(`client-${client.id}`);
    if (!section) section = clientSection(client);
    // In page order; sections that stay keep their live regions.
    if (previous ? previous.nextElementSibling !== section : container.firstElementChild !== section) {
      if (previous) previous.after(section);
      else container.prepend(section);
    }
    previous = section;
    section.querySelector("tbody")!.replaceChildren(...clientRows(client, store));
    section.querySelector(".invites")!.replaceChildren(...inviteList(client));
  }
  if (state!.clients.length === 0) container.replaceChildren(h("p", { class: "card muted" }, page!.search ? `No client matches “${page!.search}”.` : "No clients yet."));
}

function renderPager() {
  const p = page!;
  $<HTMLButtonElement>("page-prev").disabled = p.start === 0;
  $<HTMLButtonElement>("page-next").disabled = p.start + p.limit >= p.total;
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

function clientRows(client: Client, store: PermissionStore): HTMLTableRowElement[] {
  const owner = client.owner_user_id;
  const links = state!.user_clients.filter((l) => l.client_id === client.id && l.user_id !== owner);
  links.sort((a, b) => a.user_id - b.user_id);
  return [row(client, owner, true, store), ...links.map((l) => row(client, l.user_id, false, store))];
}

/**
 * One user's row. What the user holds is the core's answer (GetUserPermissions:
 * for the owner, all 13); the owner's row is locked, as the core refuses to set
 * an owner's permissions.
 */
function row(client: Client, userId: number, isOwner: boolean, store: PermissionStore): HTMLTableRowElement {
  const name = userName(findUser(userId), userId);
  const user = findUser(userId);
  const answer = store.getUserPermissions({ user_id: userId, client_id: client.id });
  const holds: readonly string[] = answer.result === "success" ? answer.permissions.permission : [];
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
      checked: holds.includes(p),
      disabled: isOwner,
      title: isOwner ? "Owners hold every permission" : undefined,
    });
    box.addEventListener("change", () => markDirty(tr, isOwner ? null : holds));
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

function markDirty(tr: HTMLTableRowElement, holds: readonly string[] | null) {
  const now = checkedIn(tr);
  const dirty = holds !== null && (now.length !== holds.length || now.some((p) => !holds.includes(p)));
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

/**
 * Runs one command on the page's slice, then (unless the browser refused it)
 * on the server; shows both verdicts. Resolves true when both succeeded.
 */
async function run(params: Params, area: HTMLElement, subject: string): Promise<boolean> {
  if (!state) return false;
  const slice = state;
  const ok = await exclusive(async () => {
    const checked = await checkThenSend(params, slice, area, subject);
    if (!checked) return false;
    const { verdict, local } = checked;
    if (await loadClients()) {
      // The page's clients, links and invites as the browser predicted them and as the server now holds them
      // (users may differ: one removed from the page's last client is no longer part of the page).
      const part = (s: CanonicalState) => JSON.stringify([s.clients, s.user_clients, s.invites]);
      verdict.statesMatch = part(state!) === part(local.state);
    }
    showVerdict(area, verdict);
    return verdict.answersMatch === true && local.response.result === "success";
  });
  return ok === true;
}

/** Wires the view's controls; `perPage` is the clients per page. */
export function setUpPermissions(perPage: number) {
  query.limit = perPage;
  renderInvitePermissions();
  $("invite").addEventListener("submit", (e) => void sendInvite(e as SubmitEvent));
  $("search").addEventListener("submit", (e) => {
    e.preventDefault();
    query.search = $<HTMLInputElement>("search-text").value;
    query.start = 0;
    void loadClients();
  });
  $("page-prev").addEventListener("click", () => {
    query.start = Math.max(0, query.start - query.limit);
    void loadClients();
  });
  $("page-next").addEventListener("click", () => {
    query.start += query.limit;
    void loadClients();
  });
}
