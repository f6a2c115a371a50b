// The demo server's WHMCS-compatible endpoint: every answer is exactly
// localApi + formatResponse; changes are persisted atomically and serialised.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { authenticationFailed, formatResponse, localApi } from "whmcs-permissions";
import { expected, post, postJson, sample, startServer, tempDir } from "./helpers.mjs";

const readState = (file) => JSON.parse(readFileSync(file, "utf8"));


/** Sends raw bytes with node:http, resolving with the answer as soon as the server gives it (even mid-upload). */
function rawPost(url, { headers, chunks }) {
  return new Promise((resolve, reject) => {
    // A connection of its own: after an early answer the server may still be draining the body.
    const req = request(`${url}includes/api.php`, { method: "POST", headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        resolve({ status: res.statusCode, body });
        req.destroy();
      });
    });
    req.on("error", (e) => (e.code === "EPIPE" || e.code === "ECONNRESET" ? undefined : reject(e)));
    (async () => {
      for (const chunk of chunks) {
        if (req.destroyed) return;
        if (!req.write(chunk)) {
          await new Promise((r) => {
            const done = () => (req.off("drain", done), req.off("close", done), r());
            req.on("drain", done).on("close", done);
          });
        }
      }
      req.end();
    })();
  });
}

describe("endpoint without credentials", () => {
  let server;
  let url;
  let stateFile;
  before(async () => {
    stateFile = join(tempDir(), "nested", "dir", "state.json");
    server = startServer({ stateFile });
    url = await server.url;
  });
  after(() => server.stop());

  test("first run creates the state file from the embedded sample; GET /api/state reads it", async () => {
    assert.deepEqual(readState(stateFile), expected(sample(), { action: "GetPermissionsList" }).state);
    const res = await fetch(`${url}api/state`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^application\/json/);
    assert.deepEqual(await res.json(), readState(stateFile));
    assert.match(server.output().stdout, /^whmcs-permissions demo: http:\/\/127\.0\.0\.1:\d+\/$/m);
  });

  test("JSON body: the answer is localApi + formatResponse, and the change is on disk", async () => {
    const params = { action: "UpdateUserPermissions", user_id: 1, client_id: 1, permissions: ["invoices", "profile"] };
    const want = expected(readState(stateFile), params);
    const got = await postJson(url, params);
    assert.deepEqual(got, { status: 200, type: "application/json", body: '{"result":"success"}' });
    assert.equal(got.body, want.body);
    assert.deepEqual(readState(stateFile), want.state);
  });

  test("XML: text/xml; charset=utf-8 and formatResponse's XML, on success and on error", async () => {
    for (const params of [
      { action: "GetUserPermissions", user_id: "1", client_id: "1", responsetype: "xml" },
      { action: "UpdateUserPermissions", user_id: "2", client_id: "1", permissions: "orders", responsetype: "xml" },
      { action: "NoSuchCommand", responsetype: "XML" },
    ]) {
      const got = await postJson(url, params);
      assert.equal(got.status, 200);
      assert.equal(got.type, "text/xml; charset=utf-8");
      assert.equal(got.body, expected(readState(stateFile), params, "xml").body);
      assert.match(got.body, /^<\?xml version="1\.0" encoding="utf-8"\?>\n<whmcsapi>\n<action>/);
    }
  });

  test("form-encoded, with PHP-style arrays and the action in the query string", async () => {
    const before = readState(stateFile);
    const body = "user_id=4&client_id=2&permissions%5B%5D=invoices&permissions[]=quotes,%20orders&permissions[]=emails";
    const got = await post(`${url}`, body, { "Content-Type": "application/x-www-form-urlencoded" });
    assert.equal(got.status, 200);
    assert.equal(got.body, '{"result":"error","message":"Command Not Found"}', "no action anywhere");
    const viaQuery = await fetch(`${url}includes/api.php?action=UpdateUserPermissions`, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    const params = { user_id: "4", client_id: "2", permissions: ["invoices", "quotes, orders", "emails"] };
    const want = expected(before, { action: "UpdateUserPermissions", ...params });
    assert.equal(await viaQuery.text(), want.body);
    assert.deepEqual(want.changes[0].after, ["invoices", "quotes", "emails", "orders"]);
    assert.deepEqual(readState(stateFile), want.state);
    // No content type at all is read as a form too (as PHP would); `+` is a space.
    const invite = await rawPost(url, { headers: {}, chunks: ["action=CreateClientInvite&client_id=3&email=+new%40example.com+&permissions=tickets"] });
    assert.deepEqual(invite, { status: 200, body: '{"result":"success"}' });
    assert.deepEqual(readState(stateFile).invites.at(-1), { client_id: 3, email: "new@example.com", permissions: ["tickets"] });
  });

  test("WHMCS errors change nothing and do not rewrite the file; neither do read-only or no-op commands", async () => {
    const text = readFileSync(stateFile, "utf8");
    const inode = statSync(stateFile).ino;
    for (const params of [
      { action: "DeleteUserClient", user_id: 2, client_id: 1 },
      { action: "UpdateUserPermissions", user_id: 1, client_id: 1, permissions: "profile,nope" },
      { action: "GetUserPermissions", user_id: 1, client_id: 1 },
      { action: "GetPermissionsList" },
      { action: "UpdateUserPermissions", user_id: 1, client_id: 1, permissions: "profile,invoices" },
    ]) {
      const got = await postJson(url, params);
      assert.equal(got.body, expected(readState(stateFile), params).body);
    }
    assert.equal(readFileSync(stateFile, "utf8"), text);
    assert.equal(statSync(stateFile).ino, inode);
  });

  test("bad bodies: HTTP 400 (415 for other content types) with a plain-text reason, nothing changed", async () => {
    const text = readFileSync(stateFile, "utf8");
    const cases = [
      ["{not json", "application/json", 400, /not valid JSON/],
      ["", "application/json", 400, /not valid JSON/],
      ['"UpdateUserPermissions"', "application/json", 400, /must be an object of params, got a string/],
      ["null", "application/json; charset=utf-8", 400, /must be an object of params, got null/],
      ["[1,2]", "application/json", 400, /must be an object of params, got an array/],
      ["a=1", "multipart/form-data; boundary=x", 400, /multipart\/form-data body cannot be read/],
      ["a=1", "multipart/form-data", 400, /multipart\/form-data body cannot be read/],
      ["action=GetPermissionsList", "text/plain", 415, /unsupported content type "text\/plain"/],
    ];
    for (const [body, type, status, reason] of cases) {
      const got = await post(url, body, { "Content-Type": type });
      assert.equal(got.status, status, body);
      assert.equal(got.type, "text/plain; charset=utf-8");
      assert.match(got.body, reason);
      assert.doesNotMatch(got.body, /"result"/);
    }
    assert.equal(readFileSync(stateFile, "utf8"), text);
  });

  test("wrong methods and paths; cross-origin posts are refused", async () => {
    const get = await fetch(`${url}includes/api.php`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get("allow"), "POST");
    assert.equal((await fetch(`${url}nope`)).status, 404);
    assert.equal((await fetch(`${url}../package.json`)).status, 404);
    const text = readFileSync(stateFile, "utf8");
    const evil = await post(url, "action=DeleteUserClient&user_id=1&client_id=2", { Origin: "http://evil.example" });
    assert.equal(evil.status, 403);
    assert.equal(readFileSync(stateFile, "utf8"), text);
    const page = await fetch(url);
    assert.match(page.headers.get("content-security-policy"), /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
    assert.equal((await fetch(`${url}pkg/whmcs_permissions_bg.wasm`)).headers.get("content-type"), "application/wasm");
  });

  test("bodies over 1 MB: HTTP 413, by Content-Length or while streaming; the server carries on", async () => {
    const text = readFileSync(stateFile, "utf8");
    // Declared too large: refused before the body is sent.
    const declared = await rawPost(url, {
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(5 * 1024 * 1024) },
      chunks: [],
    });
    assert.equal(declared.status, 413);
    // Chunked, no length: refused once it passes the limit (64 KB chunks, 4 MB in all).
    const chunk = Buffer.alloc(64 * 1024, "a");
    const streamed = await rawPost(url, {
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked" },
      chunks: [Buffer.from("action=GetPermissionsList&x="), ...Array(64).fill(chunk)],
    });
    assert.equal(streamed.status, 413);
    assert.match(streamed.body, /Payload Too Large/);
    // Exactly at the limit is fine.
    const atLimit = "action=GetPermissionsList&x=".padEnd(1024 * 1024, "a");
    assert.equal((await post(url, atLimit, { "Content-Type": "application/x-www-form-urlencoded" })).status, 200);
    assert.equal((await postJson(url, { action: "GetPermissionsList" })).status, 200);
    assert.equal(readFileSync(stateFile, "utf8"), text);
  });

  test("concurrent requests are serialised: every change is persisted, none lost", async () => {
    const before = readState(stateFile);
    const emails = Array.from({ length: 40 }, (_, i) => `parallel${i}@example.com`);
    const toggles = Array.from({ length: 20 }, (_, i) => (i % 2 ? "profile" : "profile,tickets"));
    const answers = await Promise.all([
      ...emails.map((email) => postJson(url, { action: "CreateClientInvite", client_id: 2, email, permissions: "profile" })),
      ...toggles.map((permissions) => postJson(url, { action: "UpdateUserPermissions", user_id: 6, client_id: 3, permissions })),
    ]);
    for (const a of answers) assert.equal(a.body, '{"result":"success"}');
    const after = readState(stateFile);
    assert.equal(after.invites.length, before.invites.length + emails.length);
    assert.deepEqual(new Set(after.invites.slice(before.invites.length).map((i) => i.email)), new Set(emails));
    assert.deepEqual(await (await fetch(`${url}api/state`)).json(), after);
    // No temporary files left behind.
    assert.deepEqual(readdirSync(join(stateFile, "..")), ["state.json"]);
  });

  test("a state file that cannot be written: the call fails, nothing of it is kept, later calls are written", async () => {
    const before = readState(stateFile);
    const dir = join(stateFile, "..");
    const first = { action: "UpdateUserPermissions", user_id: 4, client_id: 2, permissions: "tickets" };
    const second = { action: "CreateClientInvite", client_id: 2, email: "after.failure@example.com", permissions: "profile" };
    renameSync(dir, `${dir}.away`); // the temporary file cannot be created: the write fails
    let failed;
    try {
      failed = await postJson(url, first);
    } finally {
      renameSync(`${dir}.away`, dir);
    }
    assert.equal(failed.status, 500);
    assert.doesNotMatch(failed.body, /"result"/);
    assert.deepEqual(readState(stateFile), before);
    assert.deepEqual(await (await fetch(`${url}api/state`)).json(), before, "the database rolled the call back");
    // The next write holds exactly `second` on top of `before`: the failed call is in neither the database nor the file.
    assert.equal((await postJson(url, second)).body, '{"result":"success"}');
    assert.deepEqual(readState(stateFile), expected(before, second).state);
    assert.deepEqual(await (await fetch(`${url}api/state`)).json(), readState(stateFile));
  });
});

describe("endpoint with credentials (API_IDENTIFIER / API_SECRET)", () => {
  let server;
  let url;
  let stateFile;
  const env = { API_IDENTIFIER: "demo-id", API_SECRET: "s3cret-ü" };
  before(async () => {
    stateFile = join(tempDir(), "state.json");
    server = startServer({ stateFile, env });
    url = await server.url;
  });
  after(() => server.stop());

  test("missing or wrong credentials get exactly authenticationFailed(), HTTP 403, and change nothing", async () => {
    const text = readFileSync(stateFile, "utf8");
    const change = { action: "DeleteUserClient", user_id: 1, client_id: 1 };
    for (const creds of [
      {},
      { identifier: "demo-id" },
      { identifier: "demo-id", secret: "wrong" },
      { identifier: "other", secret: env.API_SECRET },
      { username: "demo-id", password: "s3cret-u" },
      { identifier: ["demo-id"], secret: [env.API_SECRET] },
      { identifier: "", secret: "" },
    ]) {
      const got = await postJson(url, { ...change, ...creds });
      assert.equal(got.status, 403, JSON.stringify(creds));
      assert.equal(got.type, "application/json");
      assert.equal(got.body, formatResponse(authenticationFailed(), "json"));
      assert.equal(got.body, '{"result":"error","message":"Authentication Failed"}');
    }
    const xml = await postJson(url, { ...change, responsetype: "xml" });
    assert.equal(xml.type, "text/xml; charset=utf-8");
    assert.equal(xml.body, formatResponse(authenticationFailed(), "xml", "DeleteUserClient"));
    assert.equal(readFileSync(stateFile, "utf8"), text);
  });

  test("identifier/secret or username/password (JSON or form) are accepted", async () => {
    const ok = await postJson(url, { action: "GetUserPermissions", user_id: 1, client_id: 1, identifier: env.API_IDENTIFIER, secret: env.API_SECRET });
    assert.equal(ok.status, 200);
    assert.equal(ok.body, expected(readState(stateFile), { action: "GetUserPermissions", user_id: 1, client_id: 1 }).body);
    const form = new URLSearchParams({ action: "DeleteUserClient", user_id: "1", client_id: "1", username: env.API_IDENTIFIER, password: env.API_SECRET });
    const before = readState(stateFile);
    assert.equal((await post(url, form)).body, '{"result":"success"}');
    assert.deepEqual(readState(stateFile), expected(before, { action: "DeleteUserClient", user_id: 1, client_id: 1 }).state);
  });

  test("GET /api/state needs the credentials as HTTP Basic", async () => {
    assert.equal((await fetch(`${url}api/state`)).status, 401);
    const wrong = Buffer.from("demo-id:nope").toString("base64");
    assert.equal((await fetch(`${url}api/state`, { headers: { Authorization: `Basic ${wrong}` } })).status, 401);
    const right = Buffer.from(`${env.API_IDENTIFIER}:${env.API_SECRET}`).toString("base64");
    const res = await fetch(`${url}api/state`, { headers: { Authorization: `Basic ${right}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), readState(stateFile));
  });
});

describe("startup", () => {
  test("credentials off: identifier/secret params are simply ignored", async () => {
    const stateFile = join(tempDir(), "state.json");
    const server = startServer({ stateFile });
    try {
      const got = await postJson(await server.url, { action: "GetPermissionsList", identifier: "x", secret: "y" });
      assert.equal(got.status, 200);
      assert.equal(got.body, formatResponse(localApi("GetPermissionsList", {}, sample()).response, "json"));
    } finally {
      await server.stop();
    }
  });

  const refuses = async (name, content, pattern) => {
    const dir = tempDir();
    const stateFile = join(dir, "state.json");
    if (content !== undefined) writeFileSync(stateFile, content);
    else mkdirSync(stateFile);
    const before = content !== undefined ? readFileSync(stateFile) : undefined;
    const server = startServer({ stateFile });
    await assert.rejects(server.url, /exited/);
    const { code, stderr } = await server.exited;
    assert.notEqual(code, 0, name);
    assert.match(stderr, /cannot start/);
    assert.ok(stderr.includes(stateFile), `stderr names the file: ${stderr}`);
    assert.match(stderr, pattern);
    if (before) assert.deepEqual(readFileSync(stateFile), before, "file untouched");
    assert.deepEqual(readdirSync(dir), ["state.json"]);
  };

  test("a state file that is not JSON stops the server, untouched", () =>
    refuses("bad JSON", '{"users": [', /not valid JSON[\s\S]*left untouched/));
  test("an empty state file stops the server", () => refuses("empty", "", /not valid JSON/));
  test("a state the core rejects stops the server with the StateError path", () =>
    refuses("StateError", JSON.stringify({ users: [{ id: 1 }, { id: 1 }], clients: [] }), /invalid state: state\.users\[1\]\.id: /));
  test("a state file that is not an object stops the server", () => refuses("array", "[]", /invalid state: state: /));
  test("an unreadable state file (a directory) stops the server", () => refuses("directory", undefined, /cannot read the state file/));

  test("a bad PORT or half-set credentials stop the server", async () => {
    for (const env of [{ PORT: "http" }, { API_IDENTIFIER: "id" }]) {
      const server = startServer({ stateFile: join(tempDir(), "s.json"), env });
      await assert.rejects(server.url);
      const { code, stderr } = await server.exited;
      assert.equal(code, 1);
      assert.match(stderr, /cannot start: (PORT must be|set both API_IDENTIFIER and API_SECRET)/);
    }
  });

  test("a state file that keeps its mode when the server rewrites it", async () => {
    const stateFile = join(tempDir(), "state.json");
    writeFileSync(stateFile, JSON.stringify(sample()));
    chmodSync(stateFile, 0o600);
    const server = startServer({ stateFile });
    try {
      const got = await postJson(await server.url, { action: "DeleteUserClient", user_id: 6, client_id: 3 });
      assert.equal(got.body, '{"result":"success"}');
      assert.equal(statSync(stateFile).mode & 0o777, 0o600);
    } finally {
      await server.stop();
    }
  });
});
