/**
 * The Users view: WHMCS's GetUsers, a page at a time (search, pager, sort by
 * id), with an add-user form, an edit-user form and a reset-password button
 * per user.
 *
 * Every command is checked the general way: the page asks the core which
 * rows the command reads for these params (`readPlan`); when it names none,
 * the params alone decide and nothing is sent (AddUser without a first name,
 * or with an invalid email); otherwise the page asks the server for those
 * rows (`POST /api/slice`, without running anything, never with the
 * password). It runs the command on them in the browser with the WebAssembly
 * module, shows an error inline and stops, or else posts the same params to
 * `/includes/api.php` and shows both verdicts.
 * The list itself is GetUsers on api.php, and the browser renders the same
 * page from the GetUsers slice: the two texts must agree too.
 */
import {
  formatResponse,
  getUsersPage,
  localApi,
  type ApiResponse,
  type CanonicalState,
  type Client,
  type User,
  type UserSummary,
  type UsersResponse,
} from "whmcs-permissions";
import { $, exclusive, h, setStatus, setSummary, thousands, wirePager } from "./dom.js";
import { callServer, fetchSlice, sliceFor, type Params, type ServerAnswer, type SliceAnswer } from "./net.js";
import { explain } from "./permissions.js";
import { checkThenSend, showVerdict, type Verdict } from "./verdict.js";

const query = { start: 0, limit: 10, search: "", descending: false };

/** The page on screen: GetUsers' answer from the server, and the records of its slice (languages, client names). */
let shown: { response: UsersResponse; users: Map<number, User>; clients: Map<number, Client> } | undefined;

/** The user in the edit form, with the values the form was filled with (only changed fields are sent). */
let editing: { id: number; original: Record<EditField, string> } | undefined;
const EDIT_FIELDS = ["firstname", "lastname", "email", "language"] as const;
type EditField = (typeof EDIT_FIELDS)[number];

let openClient: (clientId: number) => void = () => undefined;

const text = (value: unknown): string => (typeof value === "string" ? value : "");
const fullName = (u: { firstname?: unknown; lastname?: unknown }) => [text(u.firstname), text(u.lastname)].filter(Boolean).join(" ");
const describe = (id: number, email: string) => `user #${id}${email ? ` (${email})` : ""}`;

// ---------------------------------------------------------------- the list

function listParams(): Params {
  return {
    action: "GetUsers",
    limitstart: String(query.start),
    limitnum: String(query.limit),
    sorting: query.descending ? "DESC" : "ASC",
    search: query.search,
  };
}

/** One page of the list as the server gave it: GetUsers' answer, and the slice the browser renders the same page from. */
export interface UsersAnswers {
  params: Params;
  server: ServerAnswer;
  slice: SliceAnswer;
}

/** Asks for the page `query` names (the params are taken now, before the first await). */
export async function requestUsers(): Promise<UsersAnswers> {
  const params = listParams();
  const [server, slice] = await Promise.all([callServer(params), fetchSlice(params)]);
  return { params, server, slice };
}

/** Shows the page `query` names (`pending`: its request, when already sent) and checks it against the browser's rendering. */
export async function loadUsers(pending: Promise<UsersAnswers> = requestUsers()): Promise<boolean> {
  let answers: UsersAnswers;
  try {
    answers = await pending;
  } catch (error) {
    explain("the users", error);
    return false;
  }
  const { params, server, slice } = answers;
  let response: ApiResponse;
  try {
    if (server.status !== 200) throw new Error(`HTTP ${server.status} ${server.text.trim()}`);
    response = JSON.parse(server.text) as ApiResponse;
  } catch (error) {
    setStatus(`Could not load the users: ${error instanceof Error ? error.message : String(error)}`, "warn");
    return false;
  }
  if (response.result !== "success" || !("users" in response)) {
    setStatus(`GetUsers: ${"message" in response ? response.message : server.text}`, "warn");
    return false;
  }
  // The database counted the matches (the slice holds one page); past the key columns' exact prefix the core counts the slice.
  const mine = slice.totalresults !== undefined ? getUsersPage(slice.state, params, slice.totalresults) : localApi("GetUsers", params, slice.state).response;
  const agree = formatResponse(mine, "json", "GetUsers") === server.text;
  shown = {
    response,
    users: new Map(slice.state.users.map((u) => [u.id, u])),
    clients: new Map(slice.state.clients.map((c) => [c.id, c])),
  };
  render(agree);
  return true;
}

function render(agree: boolean) {
  const { response } = shown!;
  $("users-rows").replaceChildren(...response.users.map(userRow));
  if (response.users.length === 0) {
    $("users-rows").append(h("tr", {}, h("td", { colspan: "6", class: "muted empty" }, query.search ? `No user matches “${query.search}”.` : "No users on this page.")));
  }
  const sort = $<HTMLButtonElement>("users-sort");
  sort.closest("th")!.setAttribute("aria-sort", query.descending ? "descending" : "ascending");
  sort.querySelector(".arrow")!.textContent = query.descending ? "↓" : "↑";
  sort.setAttribute("aria-label", `Sort by id, ${query.descending ? "ascending" : "descending"}`);
  $<HTMLButtonElement>("users-prev").disabled = query.start === 0;
  $<HTMLButtonElement>("users-next").disabled = query.start + query.limit >= response.totalresults;
  const pages = Math.max(1, Math.ceil(response.totalresults / query.limit));
  $("users-page-info").textContent = `Page ${thousands(Math.floor(query.start / query.limit) + 1)} of ${thousands(pages)}`;
  const first = response.numreturned === 0 ? 0 : response.startnumber + 1;
  const last = response.startnumber + response.numreturned;
  const summary =
    `Users ${thousands(first)}–${thousands(last)} of ${thousands(response.totalresults)}` +
    `${query.search ? ` matching “${query.search}”` : ""}, by id ${query.descending ? "descending" : "ascending"}`;
  $("users-summary").textContent = summary;
  setSummary("users", `WebAssembly module loaded in this browser. ${summary}.`);
  const check = $("users-check");
  check.className = agree ? "match" : "match mismatch";
  check.textContent = agree
    ? "GetUsers: the browser's page (from the slice) and the server's agree, byte for byte."
    : "⚠ Mismatch: the browser rendered this page differently from the server (the records changed in between?). Reload to compare again.";
}

function userRow(user: UserSummary): HTMLTableRowElement {
  const record = shown!.users.get(user.id);
  const language = text(record?.language);
  const name = fullName(user);
  const who = describe(user.id, user.email);
  const edit = h("button", { type: "button", class: "btn small", "aria-label": `Edit ${who}` }, "Edit");
  const reset = h("button", { type: "button", class: "btn small", "aria-label": `Reset the password of ${who}` }, "Reset password");
  edit.addEventListener("click", () => openEditor(user.id, record, edit));
  reset.addEventListener("click", () => void resetPassword(user.id, who));
  return h(
    "tr",
    { "data-user": String(user.id) },
    h("td", { class: "id" }, `#${user.id}`),
    h("th", { scope: "row", class: "name" }, name || h("span", { class: "muted" }, "(no name)")),
    h("td", { class: "email" }, user.email || h("span", { class: "muted" }, "(no email)")),
    h("td", { class: "language" }, language || h("span", { class: "muted" }, "—")),
    h("td", { class: "user-clients" }, clientList(user)),
    h("td", { class: "actions" }, edit, reset),
  );
}

/** The clients a user owns or is linked to (GetUsers' `clients`); each opens the client in the permissions view. */
function clientList(user: UserSummary): Node {
  if (user.clients.length === 0) return h("span", { class: "muted" }, "none");
  return h(
    "ul",
    { class: "chips" },
    ...user.clients.map((c) => {
      const client = shown!.clients.get(c.id);
      const name = typeof client?.company === "string" ? client.company : `Client #${c.id}`;
      const open = h(
        "button",
        { type: "button", class: `chip${c.isOwner ? " owned" : ""}`, "aria-label": `${name} (client #${c.id}, ${c.isOwner ? "owner" : "linked"}): show its permissions` },
        h("span", {}, name),
        c.isOwner ? h("span", { class: "badge" }, "Owner") : h("span", { class: "muted" }, "linked"),
      );
      open.addEventListener("click", () => openClient(c.id));
      return h("li", {}, open);
    }),
  );
}

// ---------------------------------------------------------------- commands

/** Sorts keys, so two records compare by content whatever order their keys were written in. */
const sorted = (record: object | undefined) =>
  record === undefined ? "" : JSON.stringify(Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));

/** The user record the server now holds: the slice UpdateUser reads for that id. */
async function readBack(id: number): Promise<User | undefined> {
  const slice = await fetchSlice({ action: "UpdateUser", user_id: String(id) });
  return slice.state.users.find((u) => u.id === id);
}

const userIdOf = (text: string): number | undefined => {
  try {
    const id = (JSON.parse(text) as { user_id?: unknown }).user_id;
    return typeof id === "string" && /^\d+$/.test(id) ? Number(id) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Runs a Users command the general way: its slice from the server, the
 * browser's check on it (an error stops there), then api.php; then the list
 * is reloaded and `after` completes the verdict. Resolves to the server's
 * answer when browser and server both succeeded and agreed.
 */
async function run(
  params: Params,
  area: HTMLElement,
  subject: string,
  after?: (verdict: Verdict, predicted: CanonicalState) => Promise<void>,
): Promise<ServerAnswer | undefined> {
  const result = await exclusive(async () => {
    let slice: CanonicalState;
    try {
      slice = await sliceFor(params);
    } catch (error) {
      explain("the records this command reads", error);
      return undefined;
    }
    const checked = await checkThenSend(params, slice, area, subject);
    if (!checked) return undefined;
    const { verdict, local } = checked;
    await loadUsers();
    try {
      if (verdict.answersMatch) await after?.(verdict, local.state);
    } catch (error) {
      explain("the user back", error);
    }
    showVerdict(area, verdict);
    return verdict.answersMatch && local.response.result === "success" ? verdict.server : undefined;
  });
  return result ?? undefined;
}

function addUser(event: SubmitEvent) {
  event.preventDefault();
  const value = (id: string) => $<HTMLInputElement>(id).value;
  const params: Params = {
    action: "AddUser",
    firstname: value("add-firstname"),
    lastname: value("add-lastname"),
    email: value("add-email"),
    password2: value("add-password"),
  };
  // Optional: left out when empty (the core ignores a language that is not given either way).
  if (value("add-language") !== "") params.language = value("add-language");
  const subject = `${fullName(params) || "(no name)"}${value("add-email") ? ` <${value("add-email")}>` : ""}`;
  return run(params, $("add-verdict"), subject, async (verdict, predicted) => {
    const serverId = userIdOf(verdict.server!.text);
    const predictedId = userIdOf(verdict.browserText);
    if (serverId === undefined) return;
    verdict.detail = `user #${serverId} added (the browser predicted #${predictedId})`;
    verdict.statesMatch = sorted(await readBack(serverId)) === sorted(predicted.users.find((u) => u.id === predictedId));
  }).then((ok) => {
    if (ok) for (const id of ["add-firstname", "add-lastname", "add-email", "add-password", "add-language"]) $<HTMLInputElement>(id).value = "";
  });
}

function openEditor(id: number, record: User | undefined, from?: HTMLElement) {
  const original = Object.fromEntries(EDIT_FIELDS.map((f) => [f, text(record?.[f])])) as Record<EditField, string>;
  editing = { id, original };
  for (const field of EDIT_FIELDS) $<HTMLInputElement>(`edit-${field}`).value = original[field];
  $("edit-title").textContent = `Edit user #${id}`;
  $("edit-user").hidden = false;
  $("edit-empty").hidden = true;
  editorOpener = from;
  $<HTMLInputElement>("edit-firstname").focus();
}
let editorOpener: HTMLElement | undefined;

function closeEditor() {
  editing = undefined;
  $("edit-user").hidden = true;
  $("edit-empty").hidden = false;
  $("edit-title").textContent = "Edit a user";
  const back = editorOpener?.isConnected ? editorOpener : document.querySelector<HTMLElement>("#users-rows button");
  back?.focus();
}

function updateUser(event: SubmitEvent) {
  event.preventDefault();
  if (!editing) return;
  const { id, original } = editing;
  const params: Params = { action: "UpdateUser", user_id: String(id) };
  // Only the fields that differ from what the form was filled with (a change of case is a change).
  for (const field of EDIT_FIELDS) {
    const now = $<HTMLInputElement>(`edit-${field}`).value;
    if (now !== original[field]) params[field] = now;
  }
  return run(params, $("edit-verdict"), describe(id, original.email), async (verdict, predicted) => {
    const record = await readBack(id);
    verdict.statesMatch = sorted(record) === sorted(predicted.users.find((u) => u.id === id));
    // The form now holds what the server holds: saving again unchanged is the core's "one field is required".
    if (editing?.id === id) openEditor(id, record, editorOpener);
  });
}

function resetPassword(id: number, who: string) {
  return run({ action: "ResetPassword", id: String(id) }, $("users-verdict"), who, async (verdict) => {
    verdict.detail = "a reset was recorded; the host sends the mail";
  });
}

/** Wires the view's controls; `perPage` is the users per page, `showClient` opens a client in the permissions view. */
export function setUpUsers(perPage: number, showClient: (clientId: number) => void) {
  query.limit = perPage;
  openClient = showClient;
  wirePager(query, { form: "user-search", text: "user-search-text", prev: "users-prev", next: "users-next" }, loadUsers);
  $("users-sort").addEventListener("click", () => {
    query.descending = !query.descending;
    query.start = 0;
    void loadUsers();
  });
  $("add-user").addEventListener("submit", (e) => void addUser(e as SubmitEvent));
  $("edit-user").addEventListener("submit", (e) => void updateUser(e as SubmitEvent));
  $("edit-cancel").addEventListener("click", closeEditor);
  $("edit-user").addEventListener("keydown", (e) => {
    if ((e as KeyboardEvent).key === "Escape") closeEditor();
  });
}
