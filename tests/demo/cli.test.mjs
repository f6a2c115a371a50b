// The CLI (pkg/cli.cjs, the package's `whmcs-permissions` bin): output,
// exit codes, and the atomic write-back of the state file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, lstatSync } from "node:fs";
import { join } from "node:path";
import { formatResponse, localApi } from "whmcs-permissions";
import { cli, cliPath, root, sample, tempDir } from "./helpers.mjs";

/** A temporary copy of the sample state: `{ dir, file }`. */
function stateCopy(content = `${JSON.stringify(sample(), null, 2)}\n`) {
  const dir = tempDir("whmcs-cli-");
  const file = join(dir, "state.json");
  writeFileSync(file, content);
  return { dir, file };
}
const readState = (file) => JSON.parse(readFileSync(file, "utf8"));

test("--help prints the usage and exits 0", () => {
  for (const flag of ["--help", "-h"]) {
    const r = cli([flag]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: whmcs-permissions <Command> \(--state FILE \| --db URL\)/);
    assert.match(r.stdout, /Exit codes:/);
    assert.equal(r.stderr, "");
  }
});

test("bad usage exits 2 with the usage on stderr and touches nothing", () => {
  const { file } = stateCopy();
  const text = readFileSync(file, "utf8");
  for (const [args, reason] of [
    [[], /no command given/],
    [["GetPermissionsList"], /--state FILE or --db URL is required/],
    [["GetPermissionsList", "--state", file, "--db", "sqlite:x"], /not both/],
    [["import", "--db", "sqlite:x"], /import needs one FILE\.json/],
    [["export"], /export needs --db URL/],
    [["GetPermissionsList", "--state", file, "--replace"], /--replace is for import/],
    [["GetPermissionsList", "--state"], /--state needs a file name/],
    [["GetPermissionsList", "--state", file, "--frobnicate"], /unknown option --frobnicate/],
    [["UpdateUserPermissions", "DeleteUserClient", "--state", file], /unexpected argument "DeleteUserClient"/],
    [["UpdateUserPermissions", "--state", file, "=x"], /a param needs a name/],
  ]) {
    const r = cli(args);
    assert.equal(r.status, 2, args.join(" "));
    assert.match(r.stderr, reason);
    assert.match(r.stderr, /Usage: whmcs-permissions/);
    assert.equal(r.stdout, "");
  }
  assert.equal(readFileSync(file, "utf8"), text);
});

test("success: prints localApi's response, exits 0, writes the new state back", () => {
  const { file } = stateCopy();
  const before = readState(file);
  const r = cli(["UpdateUserPermissions", "--state", file, "user_id=1", "client_id=1", "permissions=profile,invoices"]);
  const want = localApi("UpdateUserPermissions", { user_id: "1", client_id: "1", permissions: "profile,invoices" }, before);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `${formatResponse(want.response, "json")}\n`);
  assert.equal(r.stderr, "");
  assert.deepEqual(readState(file), want.state);
  assert.equal(readFileSync(file, "utf8"), `${JSON.stringify(want.state, null, 2)}\n`);
});

test("a WHMCS error: exit 1, the response on stdout, the file untouched (same inode, same bytes)", () => {
  const { file } = stateCopy();
  const text = readFileSync(file, "utf8");
  const inode = statSync(file).ino;
  for (const [args, message] of [
    [["UpdateUserPermissions", "user_id=2", "client_id=1", "permissions=orders"], "Permissions cannot be set on a client owner"],
    [["DeleteUserClient", "user_id=2", "client_id=1"], "You cannot remove the account owner"],
    [["CreateClientInvite", "client_id=1", "email=ben@example.com", "permissions=profile"], "User already associated with client"],
    [["FrobnicateUser"], "Command Not Found"],
  ]) {
    const r = cli([...args, "--state", file]);
    assert.equal(r.status, 1, args.join(" "));
    assert.equal(r.stdout, `${JSON.stringify({ result: "error", message })}\n`);
  }
  assert.equal(readFileSync(file, "utf8"), text);
  assert.equal(statSync(file).ino, inode);
});

test("read-only commands and no-op updates exit 0 without rewriting the file", () => {
  const { file } = stateCopy();
  const text = readFileSync(file, "utf8");
  const inode = statSync(file).ino;
  assert.equal(cli(["GetPermissionsList", "--state", file]).status, 0);
  const get = cli(["getuserpermissions", `--state=${file}`, "user_id=1", "client_id=1"]);
  assert.equal(get.stdout, '{"result":"success","permissions":{"permission":["profile","tickets"]}}\n');
  assert.equal(cli(["UpdateUserPermissions", "--state", file, "user_id=1", "client_id=1", "permissions=tickets,profile"]).status, 0);
  assert.equal(readFileSync(file, "utf8"), text);
  assert.equal(statSync(file).ino, inode);
});

test("--xml prints WHMCS XML", () => {
  const { file } = stateCopy();
  const params = { user_id: "1", client_id: "2" };
  const r = cli(["GetUserPermissions", "--xml", "--state", file, "user_id=1", "client_id=2"]);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, formatResponse(localApi("GetUserPermissions", params, readState(file)).response, "xml", "GetUserPermissions"));
  assert.match(r.stdout, /^<\?xml version="1\.0" encoding="utf-8"\?>\n<whmcsapi>\n<action>getuserpermissions<\/action>\n/);
  const err = cli(["DeleteUserClient", "--state", file, "--xml", "user_id=9", "client_id=1"]);
  assert.equal(err.status, 1);
  assert.match(err.stdout, /<message>Invalid user id<\/message>/);
});

test("repeated keys and key[]= become arrays", () => {
  const { file } = stateCopy();
  const r = cli(["UpdateUserPermissions", "--state", file, "user_id=6", "client_id=3", "permissions[]=orders", "permissions[]=emails, quotes"]);
  assert.equal(r.status, 0, r.stdout);
  assert.deepEqual(readState(file).user_clients.find((l) => l.user_id === 6).permissions, ["quotes", "emails", "orders"]);
  const again = cli(["UpdateUserPermissions", "--state", file, "user_id=6", "client_id=3", "permissions=profile", "permissions=bogus"]);
  assert.equal(again.status, 1);
  assert.equal(again.stdout, '{"result":"error","message":"Invalid permission: bogus"}\n');
  // A value may itself contain "=".
  const invite = cli(["CreateClientInvite", "--state", file, "client_id=1", "email=a=b@example.com", "permissions=profile"]);
  assert.equal(invite.status, 0);
  assert.equal(readState(file).invites.at(-1).email, "a=b@example.com");
});

test("a missing, unreadable or non-JSON state file exits 2 and names the file", () => {
  const { dir, file } = stateCopy("{ not json");
  const missing = join(dir, "nope.json");
  for (const [path, reason] of [
    [missing, /cannot read the state file \(ENOENT/],
    [dir, /cannot read the state file \(EISDIR/],
    [file, /the state file is not valid JSON/],
  ]) {
    const r = cli(["GetPermissionsList", "--state", path]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, "");
    assert.ok(r.stderr.startsWith(`whmcs-permissions: ${path}: `), r.stderr);
    assert.match(r.stderr, reason);
  }
  assert.equal(readFileSync(file, "utf8"), "{ not json");
});

test("an invalid state exits 2 with the StateError message, which starts with its path", () => {
  const bad = { ...sample(), user_clients: [{ user_id: 1, client_id: 1, permissions: ["profile", "foo"] }] };
  const { file } = stateCopy(JSON.stringify(bad));
  const text = readFileSync(file, "utf8");
  let thrown;
  try {
    localApi("UpdateUserPermissions", {}, bad);
  } catch (e) {
    thrown = e;
  }
  assert.equal(thrown.name, "StateError");
  const r = cli(["UpdateUserPermissions", "--state", file, "user_id=1", "client_id=1", "permissions=profile"]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, "");
  assert.ok(r.stderr.startsWith(`${thrown.message}\n`), r.stderr);
  assert.match(r.stderr, /^state\.user_clients\[0\]\.permissions\[1\]: /);
  assert.ok(r.stderr.includes(file));
  assert.equal(readFileSync(file, "utf8"), text);
});

test("atomic write-back: a new file renamed into place, mode kept, symlink followed, no temp files left", () => {
  const { dir, file } = stateCopy();
  chmodSync(file, 0o640);
  const inode = statSync(file).ino;
  const link = join(dir, "current.json");
  symlinkSync("state.json", link);
  const r = cli(["DeleteUserClient", "--state", link, "user_id=4", "client_id=2"]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(lstatSync(link).isSymbolicLink(), "the symlink is still a symlink");
  assert.notEqual(statSync(file).ino, inode, "replaced by rename, not rewritten in place");
  assert.equal(statSync(file).mode & 0o777, 0o640);
  assert.equal(readState(file).user_clients.some((l) => l.user_id === 4 && l.client_id === 2), false);
  assert.deepEqual(readdirSync(dir).sort(), ["current.json", "state.json"]);
  // Unknown fields survive the round trip.
  const extra = { ...sample(), meta: { note: "kept" } };
  writeFileSync(file, JSON.stringify(extra));
  assert.equal(cli(["DeleteUserClient", "--state", file, "user_id=6", "client_id=3"]).status, 0);
  assert.deepEqual(readState(file).meta, { note: "kept" });
});

test("the package's bin: pkg/cli.cjs is executable, starts with a node shebang, and is published", () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  assert.equal(pkg.bin["whmcs-permissions"], "pkg/cli.cjs");
  assert.ok(pkg.files.includes("pkg/cli.cjs"));
  assert.ok(readFileSync(cliPath, "utf8").startsWith("#!/usr/bin/env node\n"));
  assert.ok(statSync(cliPath).mode & 0o111, "executable");
  const r = spawnSync(cliPath, ["--help"], { encoding: "utf8" });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^Usage: whmcs-permissions/);
  // npx resolves the package's own bin inside the repo.
  const npx = spawnSync("npx", ["--no-install", "whmcs-permissions", "--help"], { cwd: root, encoding: "utf8" });
  assert.equal(npx.status, 0, npx.stderr);
  assert.match(npx.stdout, /^Usage: whmcs-permissions/);
});

// --db, import and export: the same tests on SQLite and MariaDB.
import { ENGINES, exportState, freshDatabase } from "./helpers.mjs";

/** A state with what a real one may hold: extra fields at every level, a top-level `schema`, unicode, an owner with a link row too, comma-string permissions. */
const oddState = () => ({
  schema: "whmcs-8",
  exported: { by: "test", at: [2026, 12, 1] },
  users: [
    { id: 7, email: "Ünïcödé@Example.com", firstname: "Zoë", lastname: "Ἀθηνᾶ", language: "greek", datecreated: "2024-01-01", nested: { a: [1, null, true] } },
    { id: 3, name: "no email" },
    { id: 9007199254740991, email: "max@example.com", __proto__x: 1 },
  ],
  clients: [
    { id: 2, owner_user_id: 7, company: "Ærø ApS", currency: 1 },
    { id: 1, owner_user_id: 42 },
  ],
  user_clients: [
    { user_id: 7, client_id: 2, permissions: "orders,profile", note: "owner with a link row" },
    { user_id: 3, client_id: 2, permissions: [] },
    { user_id: 9007199254740991, client_id: 1, permissions: ["tickets", "profile", "tickets"] },
  ],
  invites: [{ client_id: 99, permissions: "emails" }, { client_id: 2, email: "x@example.com", permissions: ["profile"], sent: false }],
});

for (const engine of ENGINES) {
  test(`import then export on ${engine}: the canonical state, deep-equal; a non-empty database needs --replace`, async () => {
    const db = await freshDatabase(engine);
    const { file } = stateCopy(JSON.stringify(oddState()));
    const imported = cli(["import", "--db", db, file]);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stderr, /imported 3 users, 2 clients, 3 links, 2 invites into /);
    const exported = cli(["export", "--db", db]);
    assert.equal(exported.status, 0, exported.stderr);
    const canonical = localApi("GetPermissionsList", {}, oddState()).state;
    assert.deepEqual(JSON.parse(exported.stdout), canonical);

    const again = cli(["import", "--db", db, file]);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /the database is not empty \(.*tblusers: 3 rows.*\); pass --replace/);
    const sampleFile = stateCopy().file;
    const replaced = cli(["import", "--db", db, "--replace", sampleFile]);
    assert.equal(replaced.status, 0, replaced.stderr);
    assert.deepEqual(await exportState(db), localApi("GetPermissionsList", {}, sample()).state);
  });

  test(`commands with --db on ${engine}: localApi's response and exit code, the change committed`, async () => {
    const db = await freshDatabase(engine);
    assert.equal(cli(["import", "--db", db, stateCopy().file]).status, 0);
    const before = await exportState(db);
    const ok = cli(["UpdateUserPermissions", "--db", db, "user_id=1", "client_id=1", "permissions[]=invoices", "permissions[]=profile"]);
    const want = localApi("UpdateUserPermissions", { user_id: "1", client_id: "1", permissions: ["invoices", "profile"] }, before);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, `${formatResponse(want.response, "json")}\n`);
    assert.deepEqual(await exportState(db), want.state);
    const refused = cli(["DeleteUserClient", "--db", db, "--xml", "user_id=2", "client_id=1"]);
    assert.equal(refused.status, 1);
    assert.equal(refused.stdout, formatResponse(localApi("DeleteUserClient", { user_id: "2", client_id: "1" }, want.state).response, "xml", "DeleteUserClient"));
    assert.deepEqual(await exportState(db), want.state);
  });

  test(`import of an invalid state on ${engine} exits 2 with the core's path and writes nothing`, async () => {
    const db = await freshDatabase(engine);
    const { file } = stateCopy(JSON.stringify({ users: [{ id: 1 }], clients: [{ id: 1, owner_user_id: 1 }], user_clients: [{ user_id: 1, client_id: 1, permissions: "profile,foo" }] }));
    const r = cli(["import", "--db", db, file]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^state\.user_clients\[0\]\.permissions: .*foo/);
    assert.match(r.stderr, /nothing was imported/);
    assert.deepEqual(await exportState(db), { users: [], clients: [], user_clients: [], invites: [] });
  });
}

test("--db with a URL that cannot be used exits 2 and says what was expected", () => {
  for (const [url, reason] of [["postgres://x/y", /not supported/], ["sqlite:", /has no file path/]]) {
    const r = cli(["export", "--db", url]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, reason);
  }
});
