// The synthetic state that store scaling is measured on (tests/robust/
// linear.test.mjs, benches/scaling.mjs), the same shape as the native
// probe's `World` (examples/work/main.rs): `links` links, `links / 5`
// users with email, names and a date, `links / 25` clients. Client c is
// owned by user 5c - 4; user u is linked to the five clients
// (7u + j) mod clients + 1 that it does not own, j = 0, 1, ...

export const owner = (client) => 5 * client - 4;

/** `{ state, users, clients, links }`: `links` is every link's `[user, client]`, in state order. */
export function world(count) {
  const users = count / 5;
  const clients = count / 25;
  const links = [];
  for (let u = 1; u <= users; u++) {
    for (let j = 0, made = 0; made < 5; j++) {
      const c = ((7 * u + j) % clients) + 1;
      if (owner(c) !== u) {
        links.push([u, c]);
        made++;
      }
    }
  }
  const state = {
    users: Array.from({ length: users }, (_, i) => ({
      id: i + 1,
      email: `user${i + 1}@example.com`,
      firstname: `First${i + 1}`,
      lastname: `Last${i + 1}`,
      datecreated: "2024-01-01 00:00:00",
    })),
    clients: Array.from({ length: clients }, (_, i) => ({ id: i + 1, owner_user_id: owner(i + 1) })),
    // A comma string, as tblusers_clients stores it.
    user_clients: links.map(([user_id, client_id]) => ({ user_id, client_id, permissions: "profile,invoices,tickets" })),
    invites: [],
  };
  return { state, users, clients, links };
}

/**
 * `n` links spread over the whole state: a fixed step from `offset`, no
 * repeats while `n` is at most the number of links (then they cycle).
 */
export function spread(w, n, offset = 0) {
  const step = Math.max(1, Math.floor(w.links.length / n));
  return Array.from({ length: n }, (_, i) => w.links[(i * step + (offset % step)) % w.links.length]);
}

/** `n` user ids spread over the whole state, the same way. */
export function someUsers(w, n, offset = 0) {
  const step = Math.max(1, Math.floor(w.users / n));
  return Array.from({ length: n }, (_, i) => ((i * step + (offset % step)) % w.users) + 1);
}

const perms = (i) => (i % 2 === 0 ? "profile,orders" : "invoices, tickets");

/**
 * `n` calls of every `PermissionStore` method on a world, as
 * `[label, method, argumentLists]`, with varied params: successes and
 * errors mixed as the native probe mixes them. Reading calls come first,
 * so the pages GetUsers reads hold the host's records in every world (a
 * record a command changed is one the core made). Writing calls use `tag`
 * in the emails and names they set, so that rounds with different tags all
 * change something; `deleteUserClient` comes last (it removes links for
 * good).
 */
export function storeCalls(w, n, tag = 0) {
  const middle = Math.floor(w.users / 2);
  const page = (start, sorting) => Array.from({ length: n }, (_, i) => [{ limitstart: start + (i % 16), limitnum: 25, sorting }]);
  const ids = someUsers(w, n, 7);
  return [
    ["getUserPermissions", "getUserPermissions", spread(w, n, 2).map(([u, c], i) =>
      [i % 8 === 7 ? { user_id: owner(3), client_id: 3 } : { user_id: u, client_id: c }])],
    ["getPermissionsList", "getPermissionsList", Array.from({ length: n }, () => [])],
    ["getUsers, first page", "getUsers", page(0, "ASC")],
    ["getUsers, first page, DESC", "getUsers", page(0, "DESC")],
    ["getUsers, middle page", "getUsers", page(middle, "ASC")],
    ["getUsers, middle page, DESC", "getUsers", page(middle, "DESC")],
    ["resetPassword by id", "resetPassword", ids.map((u) => [{ id: String(u) }])],
    ["resetPassword by email", "resetPassword", ids.map((u) => [{ email: `USER${u}@example.com` }])],
    ["hasPermission", "hasPermission", spread(w, n, 4).map(([u, c], i) => [u, String(c), i % 2 ? "orders" : "profile"])],
    ["updateUserPermissions", "updateUserPermissions", spread(w, n, 1).map(([u, c], i) => [{ user_id: u, client_id: c, permissions: perms(i) }])],
    ["localApi", "localApi", spread(w, n, 5).map(([u, c], i) =>
      [i % 2 ? "getuserpermissions" : "UpdateUserPermissions", { user_id: u, client_id: c, permissions: perms(i) }])],
    ["createClientInvite (half already associated)", "createClientInvite", spread(w, n, 3).map(([u, c], i) =>
      [{ client_id: c, email: i % 2 === 0 ? `new${tag}.${i}@example.com` : `USER${u}@example.com`, permissions: "profile,invoices" }])],
    ["addUser (half an email that exists)", "addUser", Array.from({ length: n }, (_, i) =>
      [{ firstname: "Ana", lastname: "Lee", email: i % 2 === 0 ? `added${tag}.${i}@example.com` : `user${(i % w.users) + 1}@example.com`, password2: "s3cret" }])],
    // Every fourth call takes the next user's email: that user is never one
    // renamed here (while n is at most half the users).
    ["updateUser (name and email)", "updateUser", someUsers(w, n, 5).map((u, i) =>
      [i % 4 === 3 ? { user_id: u, email: `User${(u % w.users) + 1}@Example.com` } : { user_id: u, firstname: `Renamed${tag}`, email: `renamed${tag}.${u}@example.com` }])],
    ["applyBatch (4 calls, atomic, rolled back)", "applyBatch", spread(w, n, 6).map(([u, c], i) => [[
      { command: "UpdateUserPermissions", params: { user_id: u, client_id: c, permissions: perms(i) } },
      { command: "AddUser", params: { firstname: "B", lastname: "C", email: `batch${i}@example.com`, password2: "x" } },
      { command: "CreateClientInvite", params: { client_id: c, email: `batch${i}@example.com`, permissions: "orders" } },
      { command: "DeleteUserClient", params: { user_id: 0, client_id: c } },
    ], { atomic: true }])],
    ["deleteUserClient", "deleteUserClient", spread(w, n, tag).map(([u, c]) => [{ user_id: u, client_id: c }])],

  ];
}
