// SQLite group commit (js/server/storage/group-commit.ts): requests that
// arrive together share one transaction, each in its own savepoint. One
// that fails (a row the core rejects, a refused command) writes nothing and
// leaves the others' changes alone; every success is in the database; and
// the JSON-file mode's file, written once per group, holds them all.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PERMISSIONS } from "whmcs-permissions";
import { exportState, freshDatabase, importState, startServer, tempDir, withStorage } from "../demo/helpers.mjs";

function state() {
  const users = Array.from({ length: 30 }, (_, i) => ({ id: i + 1, email: `u${i + 1}@example.com` }));
  const clients = [{ id: 1, owner_user_id: 1 }, { id: 2, owner_user_id: 2 }];
  const user_clients = [];
  for (let u = 3; u <= 30; u++) user_clients.push({ user_id: u, client_id: 1, permissions: ["profile"] });
  return { users, clients, user_clients, invites: [] };
}
const set = (i) => PERMISSIONS.filter((_, b) => ((i + 2) >> b) & 1);

describe("SQLite group commit", () => {
  test("concurrent requests: each success kept, a failing one writes nothing and spoils nothing", async () => {
    const db = await freshDatabase("sqlite");
    await importState(db, state());
    // User 3's link holds a permission the core rejects: its requests fail with RowRejected.
    await withStorage(db, (s) => s.kysely.updateTable("tblusers_clients").set({ permissions: "profile,foo" }).where("auth_user_id", "=", 3).execute());
    const answers = await withStorage(db, (s) =>
      Promise.all([
        ...Array.from({ length: 27 }, (_, i) => s.execute("UpdateUserPermissions", { user_id: 4 + i, client_id: 1, permissions: set(i).join(",") })),
        s.execute("UpdateUserPermissions", { user_id: 3, client_id: 1, permissions: "orders" }).catch((e) => e),
        s.execute("UpdateUserPermissions", { user_id: 99, client_id: 1, permissions: "orders" }),
        s.execute("CreateClientInvite", { client_id: 2, email: "new@example.com", permissions: "tickets" }),
        s.execute("DeleteUserClient", { user_id: 30, client_id: 1 }),
        s.execute("GetUserPermissions", { user_id: 4, client_id: 1 }),
      ]),
    );
    const [rejected, unknownUser, invite, deleted, read] = answers.slice(27);
    for (const a of answers.slice(0, 26)) assert.deepEqual(a.response, { result: "success" });
    assert.equal(rejected.name, "RowRejected");
    assert.match(rejected.message, /tblusers_clients row id=1 /);
    assert.deepEqual(unknownUser.response, { result: "error", message: "Invalid user id" });
    assert.deepEqual(invite.response, { result: "success" });
    assert.deepEqual(deleted.response, { result: "success" });
    // Run in arrival order, so the read sees the update sent before it.
    assert.deepEqual(read.response.permissions, { permission: set(0) });

    // The 27th update (user 30) ran before its delete: success; then the link is gone.
    assert.deepEqual(answers[26].response, { result: "success" });
    const raw = await withStorage(db, (s) => s.kysely.selectFrom("tblusers_clients").selectAll().where("auth_user_id", "=", 3).executeTakeFirstOrThrow());
    assert.equal(raw.permissions, "profile,foo", "the rejected row is untouched");
    // Export refuses the bad row, so look at the good rows directly.
    const links = await withStorage(db, (s) => s.kysely.selectFrom("tblusers_clients").select(["auth_user_id", "permissions"]).where("owner", "=", 0).where("auth_user_id", ">", 3).orderBy("auth_user_id").execute());
    assert.deepEqual(
      links.map((l) => [l.auth_user_id, l.permissions]),
      Array.from({ length: 26 }, (_, i) => [4 + i, set(i).join(",")]),
    );
    const invites = await withStorage(db, (s) => s.kysely.selectFrom("tbluser_invites").select(["client_id", "email"]).execute());
    assert.deepEqual(invites, [{ client_id: 2, email: "new@example.com" }]);
  });

  test("the JSON-file mode writes its file once per group, with every change of the group", async () => {
    const file = join(tempDir(), "state.json");
    writeFileSync(file, JSON.stringify(state()));
    const server = startServer({ stateFile: file });
    try {
      const url = await server.url;
      const post = (params) => fetch(`${url}includes/api.php`, { method: "POST", body: JSON.stringify(params), headers: { "Content-Type": "application/json" } }).then((r) => r.text());
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post({ action: "UpdateUserPermissions", user_id: 3 + i, client_id: 1, permissions: set(i).join(",") })));
      for (const a of answers) assert.equal(a, '{"result":"success"}');
      const written = JSON.parse(readFileSync(file, "utf8"));
      for (let i = 0; i < 20; i++) assert.deepEqual(written.user_clients.find((l) => l.user_id === 3 + i).permissions, set(i));
      assert.deepEqual(written.user_clients.slice(20), state().user_clients.slice(20), "nothing else changed");
    } finally {
      await server.stop();
    }
  });

  test("a lone request runs as before (its own transaction); so do reads and writes mixed with exports", async () => {
    const db = await freshDatabase("sqlite");
    await importState(db, state());
    await withStorage(db, async (s) => {
      assert.deepEqual((await s.execute("UpdateUserPermissions", { user_id: 5, client_id: 1, permissions: "orders" })).response, { result: "success" });
      const [a, exported, b] = await Promise.all([
        s.execute("UpdateUserPermissions", { user_id: 6, client_id: 1, permissions: "orders" }),
        s.exportState(),
        s.execute("UpdateUserPermissions", { user_id: 7, client_id: 1, permissions: "orders" }),
      ]);
      assert.deepEqual(a.response, { result: "success" });
      assert.deepEqual(b.response, { result: "success" });
      assert.ok(exported.user_clients.length > 0);
    });
    const after = await exportState(db);
    for (const u of [5, 6, 7]) assert.deepEqual(after.user_clients.find((l) => l.user_id === u).permissions, ["orders"]);
  });
});
