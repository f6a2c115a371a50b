// Faults and operations, on real databases and real server processes: a
// row the core rejects, a newer schema, missing tables, the database going
// away and coming back, DATABASE_URL with STATE_FILE, and the Host/Origin
// checks behind a proxy and on port 80.
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { ENGINES, cli, freshDatabase, importState, root, sample, startServer, tempDir, withStorage } from "../demo/helpers.mjs";

const postJson = (url, params, headers = {}) =>
  fetch(`${url}includes/api.php`, { method: "POST", body: JSON.stringify(params), headers: { "Content-Type": "application/json", ...headers } }).then(
    async (res) => ({ status: res.status, type: res.headers.get("content-type"), body: await res.text() }),
  );
const rows = (url) =>
  withStorage(url, async (s) => ({
    links: await s.kysely.selectFrom("tblusers_clients").selectAll().orderBy("id").execute(),
    invites: await s.kysely.selectFrom("tbluser_invites").selectAll().orderBy("id").execute(),
  }));

/** Starts a server that must refuse to start: resolves with its stderr. */
async function refusedStart(options) {
  const server = startServer(options);
  await assert.rejects(server.url, /exited/);
  const { code, stderr } = await server.exited;
  assert.equal(code, 1);
  return stderr;
}

for (const engine of ENGINES) {
  describe(`faults on ${engine}`, () => {
    test("a row the core rejects: HTTP 500 naming the table, the row and the core's path; nothing written", async () => {
      const db = await freshDatabase(engine);
      await importState(db, sample());
      const bad = await withStorage(db, async (s) => {
        await s.kysely.updateTable("tblusers_clients").set({ permissions: "profile,foo" }).where("auth_user_id", "=", 1).where("client_id", "=", 1).where("owner", "=", 0).execute();
        return s.kysely.selectFrom("tblusers_clients").selectAll().where("auth_user_id", "=", 1).where("client_id", "=", 1).executeTakeFirstOrThrow();
      });
      const before = await rows(db);
      const server = startServer({ databaseUrl: db });
      try {
        const url = await server.url;
        for (const params of [
          { action: "UpdateUserPermissions", user_id: 1, client_id: 1, permissions: "orders" },
          { action: "DeleteUserClient", user_id: 1, client_id: 1 },
        ]) {
          const got = await postJson(url, params);
          assert.equal(got.status, 500);
          assert.equal(got.type, "text/plain; charset=utf-8");
          assert.match(got.body, new RegExp(`tblusers_clients row id=${bad.id} \\(auth_user_id=1, client_id=1, owner=0\\)`));
          assert.match(got.body, /state\.user_clients\[\d+\]\.permissions: .*"foo"/);
          assert.match(got.body, /nothing was written/);
          assert.doesNotMatch(got.body, /"result"/);
        }
        assert.deepEqual(await rows(db), before);
        // export says the same, with exit code 2
        const r = cli(["export", "--db", db]);
        assert.equal(r.status, 2);
        assert.match(r.stderr, new RegExp(`tblusers_clients row id=${bad.id}`));
      } finally {
        await server.stop();
      }
    });

    test("a database whose schema is newer than the code is refused at startup, untouched", async () => {
      const db = await freshDatabase(engine);
      await importState(db, sample());
      await withStorage(db, (s) => s.kysely.insertInto("whmcsperm_migrations").values({ name: "999_from_the_future", applied_at: "2099-01-01" }).execute());
      const stderr = await refusedStart({ databaseUrl: db });
      assert.match(stderr, /cannot start: the database's schema is newer than this code: it has migration 999_from_the_future applied/);
      const r = cli(["export", "--db", db]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /schema is newer/);
    });

    test("a database without the tables is migrated at startup", async () => {
      let db = await freshDatabase(engine);
      if (engine === "sqlite") {
        // An existing empty file: migrated, not seeded (only a new file starts as the sample).
        writeFileSync(db.slice("sqlite:".length), "");
      }
      const server = startServer({ databaseUrl: db });
      try {
        const url = await server.url;
        assert.match(server.output().stdout, /applied migrations: 001_initial, 002_password_reset/);
        const got = await postJson(url, { action: "GetUserPermissions", user_id: 1, client_id: 1 });
        assert.equal(got.body, '{"result":"error","message":"Invalid user id"}');
        const tables = await withStorage(db, async (s) => (await s.kysely.introspection.getTables()).map((t) => t.name).sort());
        for (const t of ["tblclients", "tbluser_invites", "tblusers", "tblusers_clients", "whmcsperm_migrations", "whmcsperm_state_fields"]) assert.ok(tables.includes(t), t);
      } finally {
        await server.stop();
      }
    });
  });
}

describe("the database going away (MariaDB, a server of this test's own)", () => {
  let base;
  let port;
  const mariadb = (args, env = {}) => {
    const r = spawnSync("bash", args, { cwd: root, encoding: "utf8", env: { ...process.env, ...env } });
    assert.equal(r.status, 0, `${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };
  after(() => base && mariadb(["scripts/mariadb-stop.sh", base]));

  test("HTTP 503 with a clear message while it is down; the server stays up and recovers by itself", async () => {
    [base, port] = mariadb(["scripts/mariadb-start.sh"]).split(" ");
    const admin = `mysql://app:app-pass@127.0.0.1:${port}`;
    const { default: mysql } = await import("mysql2/promise");
    const conn = await mysql.createConnection(`${admin}/mysql`);
    await conn.query("create database faults");
    await conn.end();
    const db = `${admin}/faults`;
    await importState(db, sample());
    const server = startServer({ databaseUrl: db });
    try {
      const url = await server.url;
      const ask = () => postJson(url, { action: "GetUserPermissions", user_id: 1, client_id: 1 });
      assert.equal((await ask()).status, 200);

      mariadb(["scripts/mariadb-stop.sh", base, "--keep"]);
      const down = await ask();
      assert.equal(down.status, 503);
      assert.equal(down.type, "text/plain; charset=utf-8");
      assert.match(down.body, /^Service Unavailable: the database does not answer \(.+\)/);
      assert.doesNotMatch(down.body, /"result"/);
      const write = await postJson(url, { action: "UpdateUserPermissions", user_id: 1, client_id: 1, permissions: "orders" });
      assert.equal(write.status, 503);
      const health = await fetch(`${url}healthz`);
      assert.equal(health.status, 503);
      assert.equal((await health.json()).status, "unavailable");

      mariadb(["scripts/mariadb-start.sh"], { BASE: base, PORT: port });
      let answer;
      for (let i = 0; i < 50; i++) {
        answer = await ask();
        if (answer.status === 200) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(answer.status, 200, "recovered without a restart");
      for (let i = 0; i < 5; i++) assert.equal((await ask()).status, 200);
      assert.equal((await fetch(`${url}healthz`)).status, 200);
      const ok = await postJson(url, { action: "UpdateUserPermissions", user_id: 1, client_id: 1, permissions: "orders" });
      assert.equal(ok.body, '{"result":"success"}');
      assert.equal(server.child.exitCode, null, "the server stayed up");
    } finally {
      await server.stop();
    }
  });
});

describe("configuration", () => {
  test("DATABASE_URL and STATE_FILE both set is a startup error", async () => {
    const stderr = await refusedStart({ stateFile: join(tempDir(), "s.json"), databaseUrl: `sqlite:${join(tempDir(), "x.sqlite")}` });
    assert.match(stderr, /cannot start: DATABASE_URL and STATE_FILE are both set/);
  });

  test("a DATABASE_URL that cannot be used is a startup error that says what was expected", async () => {
    for (const [databaseUrl, reason] of [
      ["postgres://x@y/z", /scheme "postgres:" is not supported/],
      ["mysql://app:secret@127.0.0.1:1/", /needs a host and a database name/],
      ["mysql://app:secret@127.0.0.1:1/db", /cannot start: the database does not answer \(.*ECONNREFUSED/],
    ]) {
      const stderr = await refusedStart({ databaseUrl });
      assert.match(stderr, reason);
      assert.doesNotMatch(stderr, /secret/, "the password is never printed");
    }
  });

  test("behind a proxy: PUBLIC_ORIGINS' hosts and origins are accepted, others refused", async () => {
    const server = startServer({
      databaseUrl: `sqlite:${join(tempDir(), "x.sqlite")}`,
      env: { PUBLIC_ORIGINS: "https://admin.example.com, http://example.com:8080" },
    });
    try {
      const url = await server.url;
      // node:http, not fetch: fetch does not let a caller set Host.
      const call = (headers) =>
        new Promise((resolve, reject) => {
          const req = request(`${url}includes/api.php`, { method: "POST", headers: { "Content-Type": "application/json", ...headers } }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode));
          });
          req.on("error", reject);
          req.end(JSON.stringify({ action: "GetPermissionsList" }));
        });
      assert.equal(await call({ Host: "admin.example.com" }), 200);
      assert.equal(await call({ Host: "admin.example.com:443", Origin: "https://admin.example.com" }), 200);
      assert.equal(await call({ Host: "ADMIN.example.com", Origin: "https://admin.example.com:443" }), 200);
      assert.equal(await call({ Host: "example.com:8080", Origin: "http://example.com:8080" }), 200);
      assert.equal(await call({ Host: "example.com" }), 403, "port 80 is not port 8080");
      assert.equal(await call({ Host: "admin.example.com:8443" }), 403);
      assert.equal(await call({ Host: "admin.example.com", Origin: "http://admin.example.com" }), 403, "http is another origin");
      assert.equal(await call({ Host: "evil.example" }), 403);
      assert.equal(await call({ Origin: "https://evil.example" }), 403);
      assert.equal(await call({}), 200, "the local names still work");
      assert.equal(await call({ Host: `localhost:${new URL(url).port}` }), 200);
    } finally {
      await server.stop();
    }
  });

  test("a bad PUBLIC_ORIGINS entry is a startup error", async () => {
    const stderr = await refusedStart({ databaseUrl: `sqlite:${join(tempDir(), "x.sqlite")}`, env: { PUBLIC_ORIGINS: "https://ok.example,https://x.example/path" } });
    assert.match(stderr, /PUBLIC_ORIGINS: "https:\/\/x\.example\/path" must be just a scheme and a host/);
  });

  test("HOST and port 80: a Host without a port means port 80", async () => {
    // A loopback address of its own, so port 80 is free (as root, binding it is allowed).
    const server = startServer({ databaseUrl: `sqlite:${join(tempDir(), "x.sqlite")}`, env: { HOST: "127.80.0.1", PORT: "80" } });
    try {
      assert.equal(await server.url, "http://127.80.0.1:80/");
      assert.match(server.output().stdout, /whmcs-permissions demo: http:\/\/127\.80\.0\.1:80\//, server.output().stderr);
      const r = spawnSync("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://127.80.0.1/"], { encoding: "utf8" });
      assert.equal(r.stdout, "200", r.stderr);
      const api = spawnSync("curl", ["-sS", "http://127.80.0.1/includes/api.php", "-d", "action=GetPermissionsList", "-H", "Origin: http://127.80.0.1"], { encoding: "utf8" });
      assert.match(api.stdout, /^\{"result":"success"/);
    } finally {
      await server.stop();
    }
  });
});
