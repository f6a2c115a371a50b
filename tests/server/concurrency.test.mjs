// Three server processes on one database (one SQLite file in WAL mode, and
// MariaDB), mixed conflicting requests at the same links and clients, one
// server killed with SIGKILL mid-stream; then every invariant is checked on
// the exported state: every success the clients saw is in it, nothing else
// changed, it validates, and the committed changes of each link form one
// chain (no lost update).
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { localApi, PERMISSIONS } from "whmcs-permissions";
import { ENGINES, exportState, freshDatabase, importState, startServer, withStorage } from "../demo/helpers.mjs";

const N_USERS = 40;
/** Users 1-4 own clients 1-4; users 5-40 are linked to clients 1-3. */
function initialState() {
  const users = Array.from({ length: N_USERS }, (_, i) => ({ id: i + 1, email: `user${i + 1}@example.com` }));
  const clients = [1, 2, 3, 4].map((id) => ({ id, owner_user_id: id, company: `Company ${id}` }));
  const user_clients = [];
  for (let u = 5; u <= N_USERS; u++) for (const c of [1, 2, 3]) if ((u + c) % 2 === 0 || c === 1) user_clients.push({ user_id: u, client_id: c, permissions: ["profile"] });
  return { users, clients, user_clients, invites: [{ client_id: 4, email: "old@example.com", permissions: ["profile"] }] };
}

/** Distinct permission sets (none of them `["profile"]`, the initial one). */
const distinctSets = (n, offset) => Array.from({ length: n }, (_, i) => PERMISSIONS.filter((_, b) => ((i + offset + 2) >> b) & 1));

/** Answers received per server URL: each is one log line of that server. */
const answered = new Map();
const postJson = (url, params) =>
  fetch(`${url}includes/api.php`, { method: "POST", body: JSON.stringify(params), headers: { "Content-Type": "application/json" } }).then((r) =>
    r.text().then((body) => {
      answered.set(url, (answered.get(url) ?? 0) + 1);
      return { status: r.status, body };
    }),
  );

const logEntries = (server) =>
  server
    .output()
    .stdout.split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.msg === "api call");

/** The committed changes the servers logged, once every answer's log line has arrived through the pipes. */
async function loggedChanges(servers, urls) {
  for (let i = 0; i < 200 && servers.some((s, k) => logEntries(s).length < (answered.get(urls[k]) ?? 0)); i++) await new Promise((r) => setTimeout(r, 25));
  servers.forEach((s, k) => assert.equal(logEntries(s).length, answered.get(urls[k]) ?? 0, "one log line per answered call"));
  return servers.flatMap((s) => logEntries(s).flatMap((entry) => entry.changes));
}

const linkKey = (c) => `${c.user_id}/${c.client_id}`;

for (const engine of ENGINES) {
  describe(`concurrency: three servers on one ${engine === "sqlite" ? "SQLite file" : "MariaDB database"}`, () => {
    let db;
    let servers;
    let urls;
    const initial = initialState();
    const counts = { invitesOk: 0, invitesRefused: 0, updatesOk: 0, updatesRefused: 0, deletes: 0, killedUnknown: 0, killedOk: 0 };
    before(async () => {
      db = await freshDatabase(engine);
      await importState(db, initial);
      servers = [0, 1, 2].map(() => startServer({ databaseUrl: db }));
      urls = await Promise.all(servers.map((s) => s.url));
    });
    after(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      console.log(`[concurrency ${engine}] ${JSON.stringify(counts)}`);
    });

    test("concurrent CreateClientInvite with distinct emails: exactly that many invites; members are refused", async () => {
      const emails = Array.from({ length: 60 }, (_, i) => ({ client_id: 1 + (i % 3), email: `new${i}@example.com` }));
      const members = [5, 6, 7, 8, 9, 10].map((u) => ({ client_id: 1, email: `USER${u}@example.com` }));
      const calls = [...emails, ...members].map((p, i) => postJson(urls[i % 3], { action: "CreateClientInvite", permissions: "profile", ...p }));
      const answers = await Promise.all(calls);
      const ok = answers.slice(0, emails.length);
      const refused = answers.slice(emails.length);
      for (const a of ok) assert.equal(a.body, '{"result":"success"}');
      for (const a of refused) assert.equal(a.body, '{"result":"error","message":"User already associated with client"}');
      counts.invitesOk += ok.length;
      counts.invitesRefused += refused.length;
      const state = await exportState(db);
      assert.equal(state.invites.length, initial.invites.length + emails.length);
      assert.deepEqual(
        state.invites.slice(initial.invites.length).map((i) => `${i.client_id}:${i.email}`).sort(),
        emails.map((e) => `${e.client_id}:${e.email}`).sort(),
      );
    });

    test("concurrent AddUser: one user per email, distinct ids, each one more than the largest before it", async () => {
      const same = Array.from({ length: 6 }, () => ({ firstname: "Same", lastname: "Email", email: "same@example.com" }));
      const distinct = Array.from({ length: 12 }, (_, i) => ({ firstname: "New", lastname: `User ${i}`, email: `adduser${i}@example.com` }));
      const answers = await Promise.all([...same, ...distinct].map((p, i) => postJson(urls[i % 3], { action: "AddUser", password2: "pw", ...p })));
      const ok = answers.filter((a) => a.body.startsWith('{"result":"success"'));
      for (const a of answers) assert.equal(a.status, 200, a.body);
      assert.equal(ok.length, 1 + distinct.length);
      for (const a of answers.slice(0, same.length)) {
        assert.ok(a.body.startsWith('{"result":"success"') || a.body === '{"result":"error","message":"A user already exists with that email address"}', a.body);
      }
      const ids = ok.map((a) => Number(JSON.parse(a.body).user_id)).sort((a, b) => a - b);
      assert.deepEqual(ids, Array.from({ length: ok.length }, (_, i) => N_USERS + 1 + i), "ids one after another, none taken twice");
      const state = await exportState(db);
      assert.equal(state.users.filter((u) => u.email === "same@example.com").length, 1);
      assert.equal(state.users.length, N_USERS + ok.length);
      // GetUsers' pages stay exact: the ranks in id order are still 1, 2, ... with nothing taken twice.
      const ranks = await withStorage(db, (s) => s.kysely.selectFrom("tblusers").select("id_rank").orderBy("id").execute());
      assert.deepEqual(ranks.map((r) => r.id_rank), ranks.map((_, i) => i + 1));
    });

    test("DeleteUserClient racing UpdateUserPermissions: no update succeeds after the delete committed; updates on a link form one chain", async () => {
      const raced = [11, 12, 13, 14].map((u) => ({ user_id: u, client_id: 1 }));
      const updatedOnly = [15, 16, 17].map((u) => ({ user_id: u, client_id: 1 }));
      const lateAfterDelete = [];
      const work = [];
      raced.forEach((link, k) => {
        const sets = distinctSets(10, 20 * k);
        sets.forEach((permissions, i) => work.push(postJson(urls[i % 3], { action: "UpdateUserPermissions", ...link, permissions }).then((a) => ({ kind: "update", link, a }))));
        work.push(
          postJson(urls[k % 3], { action: "DeleteUserClient", ...link }).then(async (a) => {
            // Sent once the delete's answer is here, so after its commit: each must be refused.
            const late = await Promise.all(distinctSets(3, 200 + 5 * k).map((permissions, i) => postJson(urls[i % 3], { action: "UpdateUserPermissions", ...link, permissions })));
            lateAfterDelete.push(...late);
            return { kind: "delete", link, a };
          }),
        );
      });
      updatedOnly.forEach((link, k) => {
        distinctSets(12, 100 + 15 * k).forEach((permissions, i) =>
          work.push(postJson(urls[(i + k) % 3], { action: "UpdateUserPermissions", ...link, permissions }).then((a) => ({ kind: "update", link, a }))),
        );
      });
      const results = await Promise.all(work);
      for (const r of results) assert.equal(r.a.status, 200, r.a.body);
      const deletes = results.filter((r) => r.kind === "delete");
      for (const d of deletes) assert.equal(d.a.body, '{"result":"success"}');
      counts.deletes += deletes.length;
      for (const late of lateAfterDelete) assert.equal(late.body, '{"result":"error","message":"User is not associated with client"}');
      const updates = results.filter((r) => r.kind === "update");
      for (const u of updates) {
        assert.ok(u.a.body === '{"result":"success"}' || u.a.body === '{"result":"error","message":"User is not associated with client"}', u.a.body);
        if (u.a.body.includes("success")) counts.updatesOk++;
        else counts.updatesRefused++;
      }
      counts.updatesRefused += lateAfterDelete.length;
      for (const u of updates) if (u.a.body.includes("error")) assert.ok(raced.some((l) => linkKey(l) === linkKey(u.link)), "only a deleted link refuses an update");

      // Every link's committed changes chain from its first state to its last: no two updates started from the same `before`.
      const state = await exportState(db);
      const changes = await loggedChanges(servers, urls);
      for (const link of [...raced, ...updatedOnly]) {
        const own = changes.filter((c) => linkKey(c) === linkKey(link));
        const successes = updates.filter((u) => linkKey(u.link) === linkKey(link) && u.a.body.includes("success")).length;
        const sets = own.filter((c) => c.op === "set_permissions");
        assert.equal(sets.length, successes, `one committed change per success on ${linkKey(link)}`);
        const byBefore = new Map(sets.map((c) => [JSON.stringify(c.before), c]));
        assert.equal(byBefore.size, sets.length, `no lost update on ${linkKey(link)}: every before differs`);
        let current = JSON.stringify(["profile"]);
        for (let i = 0; i < sets.length; i++) {
          const next = byBefore.get(current);
          assert.ok(next, `the chain of ${linkKey(link)} continues from ${current}`);
          current = JSON.stringify(next.after);
        }
        const final = state.user_clients.find((l) => linkKey(l) === linkKey(link));
        const removed = own.find((c) => c.op === "remove_link");
        if (raced.includes(link)) {
          assert.equal(final, undefined);
          assert.equal(JSON.stringify(removed.before), current, "the delete saw the last committed update");
        } else assert.equal(JSON.stringify(final.permissions), current);
      }
    });

    test("kill -9 of one server mid-stream: nothing half-written, every success kept, nothing else changed", async () => {
      const before = await exportState(db);
      const victim = servers[2];
      const outcomes = []; // { email, result: "ok" | "unknown" }
      let sent = 0;
      let killed = false;
      const stream = async (url, lane, count, onAnswer) => {
        for (let i = 0; i < count; i++) {
          const email = `stream-${lane}-${i}@example.com`;
          sent++;
          try {
            const a = await postJson(url, { action: "CreateClientInvite", client_id: 4, email, permissions: "tickets" });
            assert.equal(a.body, '{"result":"success"}');
            outcomes.push({ email, result: "ok" });
            onAnswer?.();
          } catch {
            outcomes.push({ email, result: "unknown" }); // the connection died: committed or not
            if (killed) return;
          }
        }
      };
      let victimAnswers = 0;
      const killer = () => {
        if (++victimAnswers === 25 && !killed) {
          killed = true;
          victim.child.kill("SIGKILL");
        }
      };
      await Promise.all([
        ...[0, 1, 2, 3].map((lane) => stream(urls[2], `v${lane}`, 60, killer)),
        stream(urls[0], "a", 40),
        stream(urls[1], "b", 40),
      ]);
      const { signal } = await victim.exited;
      assert.equal(signal, "SIGKILL");
      const after = await exportState(db); // validated by the core on the way out
      const added = after.invites.slice(before.invites.length).map((i) => i.email);
      assert.deepEqual(after.invites.slice(0, before.invites.length), before.invites, "earlier invites untouched");
      const ok = outcomes.filter((o) => o.result === "ok").map((o) => o.email);
      const unknown = new Set(outcomes.filter((o) => o.result === "unknown").map((o) => o.email));
      for (const email of ok) assert.ok(added.includes(email), `the success ${email} is in the state`);
      for (const email of added) assert.ok(ok.includes(email) || unknown.has(email), `${email} was sent`);
      assert.equal(new Set(added).size, added.length, "no invite twice");
      for (const i of after.invites.slice(before.invites.length)) assert.deepEqual(i, { client_id: 4, email: i.email, permissions: ["tickets"] }, "whole rows only");
      assert.deepEqual(after.users, before.users);
      assert.deepEqual(after.clients, before.clients);
      assert.deepEqual(after.user_clients, before.user_clients);
      assert.doesNotThrow(() => localApi("GetPermissionsList", {}, after));
      if (engine === "sqlite") {
        const check = await withStorage(db, (s) => s.kysely.executeQuery({ sql: "pragma integrity_check", parameters: [], query: { kind: "RawNode" } }));
        assert.deepEqual(check.rows, [{ integrity_check: "ok" }]);
      }
      counts.killedOk = ok.length;
      counts.killedUnknown = unknown.size;
      assert.ok(sent > 100);
      // The two survivors still answer.
      for (const url of urls.slice(0, 2)) assert.equal((await postJson(url, { action: "GetPermissionsList" })).status, 200);
    });
  });
}
