// A typed consumer of the package (ESM). Compiles with `tsc --noEmit`.
import {
  PERMISSIONS,
  StateError,
  formatResponse,
  getPermissionsList,
  getUserPermissions,
  hasPermission,
  init,
  localApi,
  updateUserPermissions,
  addUser,
  updateUser,
  getUsers,
  getUsersPage,
  resetPassword,
  readPlan,
  matchKey,
  responseFormat,
  commandTable,
  type ReadPlan,
  type ApiResponse,
  type Change,
  type PermissionName,
  type State,
} from "whmcs-permissions";

await init();

const state: State = {
  users: [{ id: 1, email: "owner@example.com" }, { id: 2, email: "staff@example.com", name: "extra fields are fine" }],
  clients: [{ id: 1, owner_user_id: 1 }],
  user_clients: [{ user_id: 2, client_id: 1, permissions: ["profile", "invoices"] }],
  tenant: "extra top-level fields are fine",
};

const out = updateUserPermissions(state, { user_id: "2", client_id: 1, permissions: "profile,orders" });
if (out.response.result === "error") {
  const message: string = out.response.message;
  console.log(message);
} else {
  const next: State = out.state;
  const firstLink: readonly PermissionName[] = next.user_clients?.[0]?.permissions as PermissionName[];
  console.log(firstLink);
}

for (const change of out.changes) {
  switch (change.op) {
    case "set_permissions":
      console.log(change.before, change.after);
      break;
    case "remove_link":
      console.log(change.before);
      break;
    case "add_invite":
      console.log(change.email, change.permissions);
      break;
    case "add_user":
      console.log(change.user.email, change.user.language ?? "(none)");
      break;
    case "update_user":
      console.log(change.before.email ?? null, change.after.firstname);
      break;
    case "reset_password":
      console.log(change.user_id);
      break;
    default: {
      const never: never = change;
      console.log(never);
    }
  }
}

const list = getPermissionsList();
const names: PermissionName[] = list.permissions.permission;
const first: PermissionName = PERMISSIONS[0];
const canOrder: boolean = hasPermission(state, 2, "1", "orders");
const perms = getUserPermissions(state, { user_id: 2, client_id: 1 });
if (perms.result === "success") console.log(perms.permissions.permission.length);
const r: ApiResponse = localApi("GetPermissionsList", {}, state).response;
const json: string = formatResponse(r, "json");
const xml: string = formatResponse(r, "xml", "GetPermissionsList");
const changes: Change[] = out.changes;
try {
  updateUserPermissions({ users: [], clients: [] }, { user_id: 1, client_id: 1, permissions: [] });
} catch (e) {
  if (e instanceof StateError) console.log(e.path);
}
console.log(names, first, canOrder, json, xml, changes);

// The Users commands of SPEC section 8.
const added = addUser(state, { firstname: "Ana", lastname: "Lee", email: "ana@example.com", password2: "s3cret" });
if (added.response.result === "success") {
  const id: string = added.response.user_id;
  console.log(id);
}
const updated = updateUser(added.state, { user_id: 7, email: "ana@example.org" });
console.log(updated.changes.length);
const page = getUsers(state, { limitnum: 10, sorting: "DESC", search: "ana" });
if (page.result === "success") {
  for (const u of page.users) console.log(u.id, u.email, u.clients.map((c) => c.isOwner));
  const total: number = page.totalresults;
  console.log(total, page.startnumber, page.numreturned);
}
const reset = resetPassword(state, { email: "ana@example.com" });
console.log(reset.response.result);
const plan: ReadPlan = readPlan("UpdateUserPermissions", { user_id: 2, client_id: 1, permissions: "profile" });
const wanted: number[] = plan.users;
console.log(wanted, plan.users_page?.limit, matchKey("ÄNNE"), responseFormat({ responsetype: "xml" }));
const sliced = getUsersPage({ users: [], clients: [] }, {}, 0);
console.log(sliced.result);
for (const row of commandTable()) console.log(row.name, row.params.join(","), row.writes);
