// The endpoint on a database, the same tests on SQLite and on MariaDB:
// every answer is localApi + formatResponse on the state the database
// holds, every change is committed before the answer, and each API call
// writes one JSON log line (never its params).
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { sql } from "kysely";
import { localApi } from "whmcs-permissions";
import { ENGINES, expected, exportState, freshDatabase, importState, logLines, post, postJson, sample, startServer, withStorage } from "./helpers.mjs";


for (const engine of ENGINES) {
  describe(`endpoint on ${engine}`, () => {
    let server;
    let url;
    let db;
    before(async () => {
      db = await freshDatabase(engine);
      // SQLite: a new file starts as the embedded sample; MariaDB: migrated empty, then imported.
      if (engine === "mariadb") await importState(db, sample());
      server = startServer({ databaseUrl: db });
      url = await server.url;
    });
    after(() => server.stop());

    test("the database starts as the sample; the server says which database it serves", async () => {
      assert.deepEqual(await exportState(db), expected(sample(), { action: "GetPermissionsList" }).state);
      assert.match(server.output().stdout, /^whmcs-permissions demo: http:\/\/127\.0\.0\.1:\d+\/$/m);
      assert.match(server.output().stdout, new RegExp(`database: ${engine === "sqlite" ? "sqlite:" : "mysql://app@127\\.0\\.0\\.1:\\d+/t"}`));
    });

    test("JSON, form and XML: each answer is localApi + formatResponse, each change committed", async () => {
      const cases = [
        [{ action: "UpdateUserPermissions", user_id: 1, client_id: 1, permissions: ["invoices", "profile"] }, "json"],
        [{ action: "GetUserPermissions", user_id: "1", client_id: "1", responsetype: "xml" }, "xml"],
        [{ action: "DeleteUserClient", user_id: 2, client_id: 1 }, "json"],
        [{ action: "UpdateUserPermissions", user_id: 4, client_id: 2, permissions: "profile,nope" }, "json"],
        [{ action: "CreateClientInvite", client_id: 3, email: "  new@example.com ", permissions: "tickets" }, "json"],
        [{ action: "CreateClientInvite", client_id: 1, email: "BEN@example.com", permissions: "tickets" }, "json"],
        [{ action: "deleteuserclient", user_id: "0004", client_id: " 1 " }, "json"],
        [{ action: "NoSuchCommand" }, "json"],
        [{ action: "GetPermissionsList", responsetype: "xml" }, "xml"],
      ];
      for (const [params, format] of cases) {
        const before = await exportState(db);
        const want = expected(before, params, format);
        const got = await postJson(url, params);
        assert.equal(got.status, 200, JSON.stringify(params));
        assert.equal(got.body, want.body, JSON.stringify(params));
        assert.deepEqual(await exportState(db), want.state, JSON.stringify(params));
      }
      // form-encoded with PHP arrays, the action in the query string
      const before = await exportState(db);
      const res = await fetch(`${url}includes/api.php?action=UpdateUserPermissions`, {
        method: "POST",
        body: "user_id=6&client_id=3&permissions%5B%5D=invoices&permissions[]=quotes,%20orders",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      const want = expected(before, { action: "UpdateUserPermissions", user_id: "6", client_id: "3", permissions: ["invoices", "quotes, orders"] });
      assert.equal(await res.text(), want.body);
      assert.deepEqual(await exportState(db), want.state);
    });

    test("multipart/form-data from a real client (curl -F, as PHP's curl sends an array of postfields)", async () => {
      const before = await exportState(db);
      const r = spawnSync("curl", ["-sS", `${url}includes/api.php`, "-F", "action=UpdateUserPermissions", "-F", "user_id=5", "-F", "client_id=1",
        "-F", "permissions[]=orders", "-F", "permissions[]=profile,tickets"], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const want = expected(before, { action: "UpdateUserPermissions", user_id: "5", client_id: "1", permissions: ["orders", "profile,tickets"] });
      assert.equal(r.stdout, want.body);
      assert.deepEqual(want.changes[0].after, ["profile", "tickets", "orders"]);
      assert.deepEqual(await exportState(db), want.state);
      // a file part is read and dropped (PHP puts it in $_FILES)
      const withFile = spawnSync("curl", ["-sS", `${url}includes/api.php`, "-F", "action=GetUserPermissions", "-F", "user_id=5", "-F", "client_id=1",
        "-F", `upload=@${new URL(import.meta.url).pathname}`], { encoding: "utf8" });
      assert.equal(withFile.stdout, expected(want.state, { action: "GetUserPermissions", user_id: "5", client_id: "1" }).body);
    });

    test("the Users commands: AddUser (password hashed), UpdateUser, GetUsers paged and searched in SQL, ResetPassword recorded", async () => {
      const cases = [
        { action: "AddUser", firstname: "Σοφία", lastname: "Ωμέγα", email: "Sofia@Example.com", password2: "plain-secret-1", language: "greek" },
        { action: "AddUser", firstname: "Dup", lastname: "Licate", email: "sofia@example.COM", password2: "x" },
        { action: "AddUser", firstname: "Zed", lastname: "Last", email: "zed@example.com", password2: "plain-secret-2" },
        { action: "UpdateUser", user_id: 3, email: "Cleo.New@example.com", firstname: "Cleopatra" },
        { action: "UpdateUser", user_id: 3, email: "ZED@example.com" },
        { action: "GetUsers" },
        { action: "GetUsers", limitstart: 2, limitnum: 3, sorting: "desc" },
        { action: "GetUsers", search: "  CLEO" },
        { action: "GetUsers", search: "σοφία ω" },
        { action: "GetUsers", search: "example", limitnum: 2, limitstart: "1" },
        { action: "GetUsers", search: "x".repeat(600) },
        { action: "GetUsers", limitstart: 9007199254740991 },
        { action: "ResetPassword", email: "ZED@example.com" },
        { action: "ResetPassword", id: 999 },
      ];
      for (const params of cases) {
        const before = await exportState(db);
        const want = expected(before, params);
        const got = await postJson(url, params);
        assert.equal(got.status, 200, JSON.stringify(params));
        assert.equal(got.body, want.body, JSON.stringify(params));
        assert.deepEqual(await exportState(db), want.state, JSON.stringify(params));
      }
      const { withStorage } = await import("./helpers.mjs");
      const users = await withStorage(db, (s) => s.kysely.selectFrom("tblusers").select(["id", "email", "password", "reset_token", "reset_requested_at"]).orderBy("seq").execute());
      const sofia = users.find((u) => u.email === "Sofia@Example.com");
      assert.match(sofia.password, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      assert.ok(!users.some((u) => u.password?.includes("plain-secret")));
      const zed = users.find((u) => u.email === "zed@example.com");
      assert.match(zed.reset_token, /^[0-9a-f]{64}$/);
      assert.match(zed.reset_requested_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
      assert.ok(!server.output().stdout.includes("plain-secret"), "passwords are never logged");
    });

    test("concurrent requests: every change committed, none lost", async () => {
      const before = await exportState(db);
      const emails = Array.from({ length: 30 }, (_, i) => `parallel${i}@example.com`);
      const toggles = Array.from({ length: 20 }, (_, i) => (i % 2 ? "profile" : "profile,tickets"));
      const answers = await Promise.all([
        ...emails.map((email) => postJson(url, { action: "CreateClientInvite", client_id: 2, email, permissions: "profile" })),
        ...toggles.map((permissions) => postJson(url, { action: "UpdateUserPermissions", user_id: 6, client_id: 3, permissions })),
      ]);
      for (const a of answers) assert.equal(a.body, '{"result":"success"}');
      const after = await exportState(db);
      assert.equal(after.invites.length, before.invites.length + emails.length);
      assert.deepEqual(new Set(after.invites.slice(before.invites.length).map((i) => i.email)), new Set(emails));
    });

    test("one JSON log line per call: time, command, verdict, committed changes; never the params", async () => {
      const secret = "never-log-this-0xC0FFEE";
      await postJson(url, { action: "UpdateUserPermissions", user_id: 1, client_id: 1, permissions: "orders", password: secret, secret });
      await postJson(url, { action: "UpdateUserPermissions", user_id: 2, client_id: 1, permissions: "orders", password: secret });
      let lines = logLines(server);
      for (let i = 0; i < 100 && !lines.some((l) => l.verdict?.message === "Permissions cannot be set on a client owner"); i++) {
        await new Promise((r) => setTimeout(r, 20)); // the lines come through a pipe, maybe after the answer
        lines = logLines(server);
      }
      const [ok, refused] = lines.slice(-2);
      assert.match(ok.time, /^\d{4}-\d\d-\d\dT/);
      assert.equal(ok.command, "UpdateUserPermissions");
      assert.deepEqual(ok.verdict, { result: "success" });
      assert.deepEqual(ok.changes, [{ op: "set_permissions", user_id: 1, client_id: 1, before: ["invoices", "profile"], after: ["orders"] }].map((c) => ({ ...c, before: ok.changes[0].before })));
      assert.deepEqual(refused.verdict, { result: "error", message: "Permissions cannot be set on a client owner" });
      assert.deepEqual(refused.changes, []);
      assert.ok(!server.output().stdout.includes(secret) && !server.output().stderr.includes(secret), "params are never logged");
      assert.ok(lines.every((l) => !("params" in l)));
    });

    test("GET /healthz: 200 and JSON while the database answers", async () => {
      const res = await fetch(`${url}healthz`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: "ok", database: engine === "sqlite" ? "sqlite" : "mysql" });
    });

    test("the admin page's slice: one page of clients, a valid state, searchable", async () => {
      const page = await (await fetch(`${url}api/admin/clients?start=1&limit=1`)).json();
      assert.equal(page.total, 3);
      assert.deepEqual(page.state.clients.map((c) => c.id), [2]);
      assert.doesNotThrow(() => localApi("GetPermissionsList", {}, page.state));
      const byEmail = await (await fetch(`${url}api/admin/clients?search=FINN`)).json();
      assert.deepEqual(byEmail.state.clients.map((c) => c.id), [3]);
      const byCompany = await (await fetch(`${url}api/admin/clients?search=glob`)).json();
      assert.deepEqual(byCompany.state.clients.map((c) => c.id), [2]);
      const byId = await (await fetch(`${url}api/admin/clients?search=1`)).json();
      assert.deepEqual(byId.state.clients.map((c) => c.id), [1]);
    });
  });
}

// GetUsers without a search pages by `id_rank` (a user's position in id order,
// migrations/003): on users stored out of id order, with gaps, after AddUser,
// and after the migration numbered rows that were already there.
function shuffledState() {
  const ids = [];
  for (let i = 0, id = 3; i < 37; i++, id += 1 + ((i * 7) % 5)) ids.push(id);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = (i * 13 + 5) % (i + 1);
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  const users = ids.map((id) => ({ id, email: `user${id}@example.com`, firstname: `F${id}`, lastname: `L${id}` }));
  const clients = ids.slice(0, 9).map((owner, i) => ({ id: 100 + i, owner_user_id: owner }));
  const user_clients = ids.slice(9, 30).map((user_id, i) => ({ user_id, client_id: 100 + (i % 9), permissions: ["profile"] }));
  return { users, clients, user_clients, invites: [] };
}

for (const engine of ENGINES) {
  describe(`GetUsers pages on ${engine}`, () => {
    let server;
    let db;
    before(async () => {
      db = await freshDatabase(engine);
      await importState(db, shuffledState(), { replace: true });
      server = startServer({ databaseUrl: db });
    });
    after(() => server.stop());

    async function everyPage(url) {
      const state = await exportState(db);
      let n = 0;
      for (const sorting of ["ASC", "DESC"]) {
        for (const limitstart of [0, 1, 5, 24, 36, 37, 38, 40, 1e15]) {
          for (const limitnum of [1, 3, 25, 100]) {
            const params = { action: "GetUsers", limitstart, limitnum, sorting };
            assert.equal((await postJson(url, params)).body, expected(state, params).body, JSON.stringify(params));
            n++;
          }
        }
      }
      return n;
    }
    const ranks = () => withStorage(db, (s) => s.kysely.selectFrom("tblusers").select(["id", "id_rank"]).orderBy("id").execute());

    test("every page, both orders, matches the core on the whole state; AddUser goes last", async () => {
      const url = await server.url;
      assert.equal(await everyPage(url), 72);
      for (const email of ["late1@example.com", "late2@example.com"]) {
        const got = await postJson(url, { action: "AddUser", firstname: "Late", lastname: "Comer", email, password2: "pw" });
        assert.match(got.body, /"result":"success"/);
      }
      await everyPage(url);
      const rows = await ranks();
      assert.deepEqual(rows.map((r) => r.id_rank), rows.map((_, i) => i + 1));
    });

    test("the migration numbers the users a database already holds", async () => {
      await server.stop();
      await withStorage(db, async (s) => {
        if (engine === "sqlite") {
          await sql`drop index tblusers_id_rank`.execute(s.kysely);
          await sql`alter table tblusers drop column id_rank`.execute(s.kysely);
        } else await sql`alter table tblusers drop index tblusers_id_rank, drop column id_rank`.execute(s.kysely);
        await s.kysely.deleteFrom("whmcsperm_migrations").where("name", "=", "003_id_rank").execute();
      });
      server = startServer({ databaseUrl: db });
      const url = await server.url;
      assert.match(server.output().stdout, /003_id_rank/);
      const rows = await ranks();
      assert.deepEqual(rows.map((r) => r.id_rank), rows.map((_, i) => i + 1));
      await everyPage(url);
    });
  });
}
