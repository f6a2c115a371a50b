// No privilege escalation (SECURITY.md): random call sequences through
// localApi (and a PermissionStore) on random states, checking after every
// call that
//   1. the owners never change;
//   2. after a successful UpdateUserPermissions the link holds exactly
//      permissions the call requested;
//   3. no other command adds a permission to any link;
//   4. no link appears that was not there before;
//   5. invites only appear through a successful CreateClientInvite, one at a
//      time, with the requested permissions.
import { test } from "node:test";
import { api, assert, CORPUS, CORPUS_NAMES, fc, PERMS, realize, runs, validState } from "./helpers.mjs";

const phpTrim = (s) => s.replace(/^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g, "");

/** The names a permissions param asks for, as the test reads it (independently of the core). */
function requested(p) {
  const list = typeof p === "string" ? [p] : Array.isArray(p) && p.every((x) => typeof x === "string") ? p : [];
  return new Set(list.flatMap((s) => s.split(",")).map(phpTrim).filter((s) => s !== ""));
}

const links = (s) => new Map(s.user_clients.map((l) => [`${l.user_id}/${l.client_id}`, new Set(l.permissions)]));
const owners = (s) => JSON.stringify(s.clients.map((c) => [c.id, c.owner_user_id]));

const COMMANDS = ["UpdateUserPermissions", "updateUSERpermissions", "DeleteUserClient", "CreateClientInvite", "GetUserPermissions", "GetPermissionsList", "AddClient", "UpdateUserPermissions "];
const id = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }).map((i) => ` 0${i}\n`), fc.constantFrom(0, -1, 1.5, "1e0", "x", null));
const permsParam = fc.oneof(
  fc.subarray(PERMS).map((a) => a.join(",")),
  fc.subarray(PERMS).map((a) => a.map((p) => ` ${p} `)),
  fc.subarray(PERMS).map((a) => [a.join(" , ")]),
  fc.constantFrom("", ",,", "Profile", "profile,admin", "all", "*", ["profile", 1], null),
  fc.constantFrom(...CORPUS_NAMES).map((name) => ({ name })),
);
const call = fc.record({
  command: fc.constantFrom(...COMMANDS),
  params: fc.record({
    user_id: id,
    client_id: id,
    permissions: permsParam,
    email: fc.oneof(fc.integer({ min: 1, max: 9 }).map((i) => `U${i}@EXAMPLE.com`), fc.constantFrom("new@example.com", " x@example.com ", "bad")),
  }, { requiredKeys: [] }),
});
const materialize = (p) => ("permissions" in p && p.permissions && typeof p.permissions === "object" && "name" in p.permissions ? { ...p, permissions: realize(p.permissions) } : p);

/** Checks the five invariants for one call that took `before` to `out`. */
function check(before, command, p, out) {
  const after = out.state;
  const ok = out.response.result === "success";
  const name = command.toLowerCase();
  assert.equal(owners(after), owners(before), "owners changed");
  const was = links(before);
  const now = links(after);
  for (const key of now.keys()) assert.ok(was.has(key), `link ${key} appeared`);
  if (ok && name === "updateuserpermissions" && out.changes.length > 0) {
    const asked = requested(p.permissions);
    const [change] = out.changes;
    for (const perm of now.get(`${change.user_id}/${change.client_id}`)) assert.ok(asked.has(perm), `${perm} was not requested`);
    for (const [key, set] of now) if (key !== `${change.user_id}/${change.client_id}`) assert.deepEqual(set, was.get(key));
  } else {
    for (const [key, set] of now) for (const perm of set) assert.ok(was.get(key).has(perm), `${command} added ${perm} to ${key}`);
  }
  const added = after.invites.length - before.invites.length;
  if (ok && name === "createclientinvite") {
    assert.equal(added, 1);
    const invite = after.invites.at(-1);
    const asked = requested(p.permissions);
    for (const perm of invite.permissions) assert.ok(asked.has(perm), `invite got ${perm}, not requested`);
    assert.deepEqual(out.changes, [{ op: "add_invite", client_id: invite.client_id, email: invite.email, permissions: invite.permissions }]);
  } else {
    assert.equal(added, 0, `${command} added an invite`);
  }
  assert.deepEqual(after.invites.slice(0, before.invites.length), before.invites);
  // A non-owner never holds what the owner holds implicitly unless a link grants it.
  for (const c of after.clients) {
    for (const u of after.users) {
      if (u.id === c.owner_user_id) continue;
      const held = PERMS.filter((perm) => api.hasPermission(after, u.id, c.id, perm));
      const link = now.get(`${u.id}/${c.id}`);
      assert.deepEqual(held, PERMS.filter((perm) => link?.has(perm)));
    }
  }
}

test("property: no call sequence escalates privileges (functional localApi)", (t) => {
  let calls = 0;
  let successes = 0;
  fc.assert(
    fc.property(validState, fc.array(call, { maxLength: 20 }), (start, seq) => {
      let s = api.localApi("GetPermissionsList", {}, start).state;
      for (const { command, params } of seq) {
        const p = materialize(params);
        let out;
        try {
          out = api.localApi(command, p, s);
        } catch (error) {
          assert.ok(error instanceof TypeError, String(error)); // params that cannot be read
          continue;
        }
        check(s, command, p, out);
        if (out.response.result === "success") successes++;
        s = out.state;
        calls++;
      }
    }),
    { numRuns: runs(300) },
  );
  t.diagnostic(`${runs(300)} sequences, ${calls} calls (${successes} succeeded), invariants checked after each`);
});

test("property: no call sequence escalates privileges (PermissionStore)", (t) => {
  let calls = 0;
  fc.assert(
    fc.property(validState, fc.array(call, { maxLength: 20 }), (start, seq) => {
      const store = api.PermissionStore.fromState(start);
      try {
        let s = store.toState();
        for (const { command, params } of seq) {
          const p = materialize(params);
          let out;
          try {
            out = store.localApi(command, p);
          } catch (error) {
            assert.ok(error instanceof TypeError, String(error));
            continue;
          }
          const next = store.toState();
          check(s, command, p, { ...out, state: next });
          s = next;
          calls++;
        }
      } finally {
        store.free();
      }
    }),
    { numRuns: runs(200) },
  );
  t.diagnostic(`${runs(200)} sequences, ${calls} calls`);
});

test("an owner can never be demoted, removed or given a link; a non-owner never becomes one", () => {
  const s = {
    users: [{ id: 1, email: "o@example.com" }, { id: 2, email: "s@example.com" }],
    clients: [{ id: 1, owner_user_id: 1 }],
    user_clients: [{ user_id: 2, client_id: 1, permissions: [] }],
  };
  for (const [command, p] of [
    ["UpdateUserPermissions", { user_id: 1, client_id: 1, permissions: "profile" }],
    ["DeleteUserClient", { user_id: 1, client_id: 1 }],
    ["CreateClientInvite", { client_id: 1, email: "O@EXAMPLE.COM", permissions: "profile" }],
    ["UpdateUserPermissions", { user_id: 2, client_id: 1, permissions: "owner" }],
    ["UpdateUserPermissions", { user_id: 2, client_id: 1, owner_user_id: 2, permissions: "profile" }],
  ]) {
    const out = api.localApi(command, p, s);
    assert.equal(out.state.clients[0].owner_user_id, 1);
    assert.ok(!out.state.user_clients.some((l) => l.user_id === 1));
    assert.equal(api.hasPermission(out.state, 2, 1, "orders"), false);
  }
  assert.equal(CORPUS.protoKey().polluted, undefined);
});
