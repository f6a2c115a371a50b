// A typed consumer of the package (CommonJS `require`).
import whmcs = require("whmcs-permissions");

const state: whmcs.State = { users: [{ id: 1 }], clients: [{ id: 1, owner_user_id: 1 }] };
const ok: boolean = whmcs.hasPermission(state, 1, 1, "profile");
const out = whmcs.updateUserPermissions(state, { user_id: 1, client_id: 1, permissions: "profile" });
if (out.response.result === "error") console.log(out.response.message, ok);
