/**
 * The admin page: two views, Permissions (a page of clients and their
 * users' permissions, permissions.ts) and Users (WHMCS's GetUsers, AddUser,
 * UpdateUser and ResetPassword, users.ts). Every edit runs first in the
 * browser, through the same WebAssembly module the server uses, on the
 * records the command reads; a browser error is shown inline and the server
 * is not called; otherwise the same params go to `POST /includes/api.php`
 * and both verdicts are shown side by side (verdict.ts). Every WHMCS
 * message on this page comes from the module.
 */
import { init } from "whmcs-permissions";
import { $, setStatus, showSummaryOf, type View } from "./dom.js";
import { useCredentials } from "./net.js";
import { loadClients, requestClients, setClientSearch, setUpPermissions } from "./permissions.js";
import { loadUsers, requestUsers, setUpUsers } from "./users.js";

/** `?per=N` (1-100) in the page's address sets the page size of both views (default: 5 clients, 10 users). */
const per = Math.floor(Number(new URLSearchParams(location.search).get("per")));
const size = (fallback: number) => (per >= 1 ? Math.min(100, per) : fallback);

const VIEWS: readonly View[] = ["permissions", "users"];
let current: View = "permissions";
let ready = false;

const load = (view: View) => (view === "permissions" ? loadClients() : loadUsers());

/**
 * Sends the request for a view's page now and returns what shows it once the
 * module is ready: the first page's records and the module load at once.
 */
function prefetch(view: View): () => Promise<boolean> {
  const ignore = () => undefined; // the rejection is handled where it is awaited; this only silences an early return
  if (view === "permissions") {
    const pending = requestClients({ first: true });
    pending.catch(ignore);
    return () => loadClients(pending);
  }
  const pending = requestUsers();
  pending.catch(ignore);
  return () => loadUsers(pending);
}

/** Shows a view (WAI-ARIA tabs: the selected tab is the one in the tab order) and loads its page afresh. */
async function show(view: View, { focus = false } = {}) {
  current = view;
  for (const v of VIEWS) {
    const tab = $(`tab-${v}`);
    tab.setAttribute("aria-selected", String(v === view));
    tab.tabIndex = v === view ? 0 : -1;
    $(`view-${v}`).hidden = v !== view;
  }
  if (focus) $(`tab-${view}`).focus();
  history.replaceState(null, "", `${location.pathname}${location.search}${view === "users" ? "#users" : ""}`);
  showSummaryOf(view);
  if (ready) await load(view);
}

function setUpTabs() {
  for (const view of VIEWS) {
    const tab = $(`tab-${view}`);
    tab.addEventListener("click", () => void show(view));
    tab.addEventListener("keydown", (e) => {
      const i = VIEWS.indexOf(view);
      const key = (e as KeyboardEvent).key;
      const next =
        key === "ArrowRight" ? VIEWS[(i + 1) % VIEWS.length] : key === "ArrowLeft" ? VIEWS[(i + VIEWS.length - 1) % VIEWS.length] : key === "Home" ? VIEWS[0] : key === "End" ? VIEWS[VIEWS.length - 1] : undefined;
      if (!next) return;
      e.preventDefault();
      void show(next, { focus: true });
    });
  }
}

async function start() {
  setUpTabs();
  setUpPermissions(size(5));
  setUpUsers(size(10), (clientId) => {
    // A client chip in the Users view: that client in the Permissions view.
    setClientSearch(String(clientId));
    void show("permissions", { focus: true });
  });
  $("auth-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    useCredentials($<HTMLInputElement>("auth-identifier").value, $<HTMLInputElement>("auth-secret").value);
    await load(current);
  });
  const first: View = location.hash === "#users" ? "users" : "permissions";
  await show(first);
  // The module and the first page's records load at once: neither waits for the other
  // (index.html preloads the module's files too, so nothing waits for app.js to ask).
  const loadFirst = prefetch(first);
  try {
    await init();
  } catch (error) {
    setStatus(`The WebAssembly module could not be loaded: ${error instanceof Error ? error.message : String(error)}`, "warn");
    return;
  }
  performance.mark("admin:module-ready");
  ready = true;
  await loadFirst();
  performance.mark("admin:first-page");
  document.documentElement.dataset.ready = "true";
}

void start();
