// Deliberately wrong uses: each line below must fail to compile. tsc reports
// an unused `@ts-expect-error` as an error, so this file proves the types
// catch these mistakes.
import { addUser, getUsers, hasPermission, updateUserPermissions, type Change, type State } from "whmcs-permissions";

// @ts-expect-error a state must have `users`
const noUsers: State = { clients: [] };

const state: State = { users: [], clients: [] };
const out = updateUserPermissions(state, { user_id: 1, client_id: 1, permissions: "profile" });

// @ts-expect-error `message` exists only once `result` is narrowed to "error"
console.log(out.response.message);

// @ts-expect-error there is no such change op
const bad: Change = { op: "rename_link", user_id: 1, client_id: 1, before: [] };

// @ts-expect-error a permission name is one of the 13
hasPermission(state, 1, 1, "invoice");

// @ts-expect-error ids are numbers or strings
updateUserPermissions(state, { user_id: true, client_id: 1, permissions: "profile" });

// @ts-expect-error permissions is required by UpdateUserPermissions
updateUserPermissions(state, { user_id: 1, client_id: 1 });

// @ts-expect-error permission names inside the state are the 13
const badLink: State = { users: [], clients: [], user_clients: [{ user_id: 1, client_id: 1, permissions: ["profiles"] }] };

// @ts-expect-error AddUser needs a password2
addUser(state, { firstname: "A", lastname: "B", email: "a@b.co" });

const added = addUser(state, { firstname: "A", lastname: "B", email: "a@b.co", password2: "x" });
// @ts-expect-error `user_id` exists only once `result` is narrowed to "success"
console.log(added.response.user_id);

const page = getUsers(state);
// @ts-expect-error `users` exists only once `result` is narrowed to "success"
console.log(page.users);

// @ts-expect-error an add_user change's record has an email
const badChange: Change = { op: "add_user", user_id: 1, user: { id: 1, firstname: "A", lastname: "B" } };

console.log(noUsers, bad, badLink, badChange);
