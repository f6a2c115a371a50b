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
import { $, exclusive, h, setStatus, setSummary, thousands, wirePager } from "./dom.js";
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
export const requestClients = (options?: { first?: boolean }): Promise<AdminPage> => fetchClients(query, options);

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

/** One user's row on one client, as the core sees it. */
interface Member {
  userId: number;
  isOwner: boolean;
  /** What the user holds (GetUserPermissions: for the owner, all 13). */
  holds: readonly string[];
  /** For the owner: the core's answer to setting their permissions (why the row is locked). */
  locked?: string;
}

/** What a row's controls act on (the rows' events are handled once, on the list: see `setUpPermissions`). */
interface RowInfo {
  client: Client;
  member: Member;
  on: string;
}
const rowInfo = new WeakMap<HTMLTableRowElement, RowInfo>();

/** What a row and a card's invites were last rendered from: an unchanged row is left as it is (and keeps unsaved edits). */
const renderedFrom = new WeakMap<Element, string>();

/**
 * Rows built before the first paint (more than a tall screen shows); the
 * rest are built in later tasks, a chunk at a time, below the fold (where
 * `content-visibility: auto` keeps cards off screen from being laid out
 * until scrolled to). The page is usable at once however many users a page
 * of clients holds.
 */
const FIRST_ROWS = 16;
const CHUNK_ROWS = 60;
/** Runs `work` when the page is idle (after the first paint and any input waiting), within a second at the latest. */
const whenIdle = (work: () => void) =>
  typeof requestIdleCallback === "function" ? requestIdleCallback(work, { timeout: 1000 }) : setTimeout(work, 0);
let generation = 0;

function render() {
  if (!state || !page) return;
  const gen = ++generation;
  // What each shown user holds, from the core (O(1) per row once the slice is indexed).
  const store = PermissionStore.fromState(state);
  let cards: { client: Client; members: Member[] }[];
  try {
    cards = state.clients.map((client) => ({ client, members: membersOf(client, store) }));
  } finally {
    store.free();
  }
  renderClients(cards, gen);
  renderInviteClients();
  renderPager();
  const first = page.total === 0 ? 0 : page.start + 1;
  const last = page.start + state.clients.length;
  setSummary(
    "permissions",
    `WebAssembly module loaded in this browser. Clients ${thousands(first)}–${thousands(last)} of ` +
      `${thousands(page.total)}${page.search ? ` matching “${page.search}”` : ""}; on this page: ${state.users.length} users, ` +
      `${state.user_clients.length} user–client links, ${state.invites.length} pending invites.`,
  );
}

/** The owner's row, then every linked user by id; what each holds is the core's answer. */
function membersOf(client: Client, store: PermissionStore): Member[] {
  const owner = client.owner_user_id;
  const links = state!.user_clients.filter((l) => l.client_id === client.id && l.user_id !== owner);
  links.sort((a, b) => a.user_id - b.user_id);
  const holding = (userId: number) => {
    const answer = store.getUserPermissions({ user_id: userId, client_id: client.id });
    return answer.result === "success" ? answer.permissions.permission : [];
  };
  const ownerHolds = holding(owner);
  // Setting the owner's permissions is refused by the core (an error changes nothing): its message says why the row is locked.
  const refusal = store.updateUserPermissions({ user_id: owner, client_id: client.id, permissions: [...PERMISSIONS] }).response;
  return [
    { userId: owner, isOwner: true, holds: ownerHolds, locked: refusal.result === "error" ? refusal.message : undefined },
    ...links.map((l) => ({ userId: l.user_id, isOwner: false, holds: holding(l.user_id) })),
  ];
}

type Card = { client: Client; members: Member[] };
type Pending = { tbody: HTMLElement; client: Client; members: Member[]; from: number };

function renderClients(cards: Card[], gen: number) {
  const container = $("clients");
  const wanted = new Set(cards.map((c) => `client-${c.client.id}`));
  for (const old of Array.from(container.children)) if (!wanted.has(old.id)) old.remove();
  let previous: HTMLElement | null = null;
  let budget = FIRST_ROWS;
  const later: Pending[] = [];
  for (const { client, members } of cards) {
    let section = document.getElementById(`client-${client.id}`);
    const fresh = !section;
    if (!section) section = clientSection(client);
    // In page order; sections that stay keep their live regions.
    if (previous ? previous.nextElementSibling !== section : container.firstElementChild !== section) {
      if (previous) previous.after(section);
      else container.prepend(section);
    }
    previous = section;
    const invites = section.querySelector(".invites")!;
    const invitesKey = JSON.stringify(state!.invites.filter((i) => i.client_id === client.id));
    if (renderedFrom.get(invites) !== invitesKey) {
      invites.replaceChildren(...inviteList(client));
      renderedFrom.set(invites, invitesKey);
    }
    const tbody = section.querySelector("tbody")!;
    if (fresh) {
      // A new card: its first rows now, while the page's budget lasts; the rest later.
      const now = Math.min(members.length, Math.max(budget, 1));
      budget -= now;
      tbody.append(...members.slice(0, now).map((m) => row(client, m)));
      if (now < members.length) later.push({ tbody, client, members, from: now });
    } else {
      // A card already on the page (after a Save, the edited one): only rows whose data changed are built again.
      const kept = new Map<number, HTMLTableRowElement>();
      for (const tr of Array.from(tbody.children) as HTMLTableRowElement[]) kept.set(Number(tr.dataset.user), tr);
      const rows = members.map((m) => {
        const old = kept.get(m.userId);
        return old && renderedFrom.get(old) === rowKey(client, m) ? old : row(client, m);
      });
      if (rows.length !== tbody.children.length || rows.some((tr, i) => tbody.children[i] !== tr)) tbody.replaceChildren(...rows);
    }
  }
  if (cards.length === 0) container.replaceChildren(h("p", { class: "card muted" }, page!.search ? `No client matches “${page!.search}”.` : "No clients yet."));
  document.documentElement.dataset.rows = later.length ? "partial" : "complete";
  if (later.length) whenIdle(() => fill(later, gen));
}

/** Builds the rest of the rows, CHUNK_ROWS per idle period, unless another render started meanwhile (it builds what is missing). */
function fill(later: Pending[], gen: number) {
  if (gen !== generation) return;
  let budget = CHUNK_ROWS;
  while (later.length && budget > 0) {
    const job = later[0]!;
    const to = Math.min(job.members.length, job.from + budget);
    job.tbody.append(...job.members.slice(job.from, to).map((m) => row(job.client, m)));
    budget -= to - job.from;
    job.from = to;
    if (to === job.members.length) later.shift();
  }
  if (later.length) whenIdle(() => fill(later, gen));
  else document.documentElement.dataset.rows = "complete";
}

/** Everything a row shows, as one string. */
const rowKey = (client: Client, m: Member): string =>
  JSON.stringify([clientName(client), m.userId, m.isOwner, m.holds, m.locked ?? null, findUser(m.userId) ?? null]);

function renderPager() {
  const p = page!;
  $<HTMLButtonElement>("page-prev").disabled = p.start === 0;
  $<HTMLButtonElement>("page-next").disabled = p.start + p.limit >= p.total;
  const pages = Math.max(1, Math.ceil(p.total / p.limit));
  $("page-info").textContent = `Page ${thousands(Math.floor(p.start / p.limit) + 1)} of ${thousands(pages)}`;
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

/** A row with no user in it yet: every row is a copy (one native clone instead of sixty elements built one by one). */
let blankRow: HTMLTableRowElement | undefined;
function rowTemplate(): HTMLTableRowElement {
  blankRow ??= h(
    "tr",
    {},
    h("th", { scope: "row", class: "user-col" }, h("span", { class: "name" }), h("span", { class: "email" })),
    // The box's name is an aria-label, not hidden text: no text to lay out in thousands of cells.
    ...PERMISSIONS.map((p) => h("td", { class: "cell" }, h("label", {}, h("input", { type: "checkbox", name: p })))),
    h("td", { class: "actions" }, h("button", { type: "button", class: "btn small", "data-act": "save" }), h("button", { type: "button", class: "btn small danger", "data-act": "remove" }, "Remove")),
  );
  return blankRow;
}

/**
 * One user's row. What the user holds is the core's answer (for the owner,
 * all 13); the owner's row is locked, with the core's refusal as the reason.
 */
function row(client: Client, member: Member): HTMLTableRowElement {
  const { userId, isOwner, holds, locked } = member;
  const user = findUser(userId);
  const name = userName(user, userId);
  const on = `${name} on ${clientName(client)}`;
  const tr = rowTemplate().cloneNode(true) as HTMLTableRowElement;
  if (isOwner) tr.className = "owner";
  tr.dataset.user = String(userId);
  tr.dataset.client = String(client.id);
  const head = tr.firstElementChild!;
  head.firstElementChild!.textContent = name;
  head.lastElementChild!.textContent = user?.email ? `${user.email} · #${userId}` : `#${userId}`;
  if (isOwner) head.firstElementChild!.after(h("span", { class: "badge", title: locked }, "Owner"));
  const held = new Set(holds);
  let cell = head.nextElementSibling!;
  for (const p of PERMISSIONS) {
    const box = cell.firstElementChild!.firstElementChild as HTMLInputElement;
    box.checked = held.has(p);
    if (isOwner) {
      box.disabled = true;
      if (locked) box.title = locked;
    }
    box.setAttribute("aria-label", `${p} for ${name}`);
    cell = cell.nextElementSibling!;
  }
  const save = cell.firstElementChild as HTMLButtonElement;
  save.textContent = isOwner ? "Edit" : "Save";
  save.setAttribute("aria-label", `${isOwner ? "Edit" : "Save"} the permissions of ${on}`);
  save.nextElementSibling!.setAttribute("aria-label", `Remove ${on}`);
  rowInfo.set(tr, { client, member, on });
  renderedFrom.set(tr, rowKey(client, member));
  return tr;
}

function checkedIn(root: ParentNode): string[] {
  return Array.from(root.querySelectorAll<HTMLInputElement>("input[type=checkbox]:checked"), (b) => b.name);
}

function markDirty(tr: HTMLTableRowElement, { isOwner, holds }: Member) {
  const now = checkedIn(tr);
  const dirty = !isOwner && (now.length !== holds.length || now.some((p) => !holds.includes(p)));
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
  // The rows' controls, handled once for every row on the page.
  const clients = $("clients");
  clients.addEventListener("change", (e) => {
    const tr = (e.target as Element).closest("tr");
    const info = tr && rowInfo.get(tr);
    if (info) markDirty(tr, info.member);
  });
  clients.addEventListener("click", (e) => {
    const button = (e.target as Element).closest<HTMLElement>("button[data-act]");
    const tr = button?.closest("tr");
    const info = tr && rowInfo.get(tr);
    if (!button || !info) return;
    if (button.dataset.act === "save") void updatePermissions(info.client, info.member.userId, tr, info.on);
    else void removeLink(info.client, info.member.userId, info.on);
  });
  $("invite").addEventListener("submit", (e) => void sendInvite(e as SubmitEvent));
  wirePager(query, { form: "search", text: "search-text", prev: "page-prev", next: "page-next" }, loadClients);
}
