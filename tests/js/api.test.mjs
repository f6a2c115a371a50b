// Behaviour of the JS API beyond the vectors: no mutation, new objects,
// unknown fields by reference, XML rendering, init, errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import * as api from "whmcs-permissions";
import { loadVectors } from "./load-vectors.mjs";
import { resolve } from "../shared/vector-runner.js";

const base = () => ({
  users: [{ id: 1, email: "owner@example.com" }, { id: 2, email: "staff@example.com", meta: { deep: [1, 2] } }],
  clients: [{ id: 1, owner_user_id: 1, company: "Acme" }],
  user_clients: [{ user_id: 2, client_id: 1, permissions: "invoices,profile", note: { n: 1 } }],
  extra: { shared: true },
});

test("the caller's state is never mutated, on success and on error", () => {
  for (const params of [
    { user_id: 2, client_id: 1, permissions: "orders" },
    { user_id: 1, client_id: 1, permissions: "orders" },
    { user_id: 9, client_id: 1, permissions: "orders" },
  ]) {
    const state = base();
    const snapshot = structuredClone(state);
    const links = state.user_clients;
    const link = links[0];
    const out = api.updateUserPermissions(state, params);
    assert.deepEqual(state, snapshot);
    assert.equal(state.user_clients, links);
    assert.equal(state.user_clients[0], link);
    assert.equal(link.permissions, "invoices,profile");
    assert.notEqual(out.state, state);
    assert.notEqual(out.state.user_clients, links);
    assert.notEqual(out.state.user_clients[0], link);
  }
});

test("unknown field values come back by reference, keys in order", () => {
  const state = base();
  const out = api.updateUserPermissions(state, { user_id: 2, client_id: 1, permissions: "orders" });
  assert.equal(out.state.extra, state.extra);
  assert.equal(out.state.users[1].meta, state.users[1].meta);
  assert.equal(out.state.user_clients[0].note, state.user_clients[0].note);
  assert.deepEqual(Object.keys(out.state), ["users", "clients", "user_clients", "extra", "invites"]);
  assert.deepEqual(Object.keys(out.state.user_clients[0]), ["user_id", "client_id", "permissions", "note"]);
  assert.deepEqual(out.state.user_clients[0].permissions, ["orders"]);
});

test("values JSON cannot hold survive in unknown fields", () => {
  const fn = () => 1;
  const sym = Symbol("s");
  const big = 10n;
  const date = new Date(0);
  const state = { ...base(), fn, sym, big, date, undef: undefined, nan: NaN };
  const out = api.deleteUserClient(state, { user_id: 2, client_id: 1 });
  assert.equal(out.response.result, "success");
  for (const k of ["fn", "sym", "big", "date", "nan"]) assert.ok(Object.is(out.state[k], state[k]), k);
  assert.ok("undef" in out.state);
});

test("__proto__ keys round-trip as plain data and pollute nothing", () => {
  const state = JSON.parse(
    '{"users":[{"id":1,"__proto__":{"polluted":true}}],"clients":[{"id":1,"owner_user_id":1}],"user_clients":[],"__proto__":{"admin":true}}',
  );
  const out = api.localApi("GetPermissionsList", {}, state);
  assert.equal(Object.prototype.hasOwnProperty.call(out.state, "__proto__"), true);
  assert.deepEqual(out.state["__proto__"], { admin: true });
  assert.equal(Object.getPrototypeOf(out.state), Object.prototype);
  assert.equal(out.state.admin, undefined);
  assert.equal({}.polluted, undefined);
  assert.equal({}.admin, undefined);
});

test("errors: StateError with path, TypeError for params, in that order", () => {
  assert.throws(
    () => api.updateUserPermissions({ users: "nope", clients: [] }, null),
    (e) => e instanceof api.StateError && e instanceof Error && e.path === "state.users" && e.message.startsWith("state.users: "),
  );
  assert.throws(() => api.updateUserPermissions(base(), null), (e) => e instanceof TypeError && /params/.test(e.message));
  assert.throws(() => api.hasPermission(base(), 1, 1, "Profile"), (e) => e instanceof TypeError && e.message.includes('"Profile"'));
});

test("a throwing getter in the state is a StateError naming the field", () => {
  const state = base();
  Object.defineProperty(state.users[0], "email", { enumerable: true, get() { throw new Error("boom"); } });
  assert.throws(() => api.getUserPermissions(state, { user_id: 1, client_id: 1 }),
    (e) => e instanceof api.StateError && e.path === "state.users[0].email" && e.message.includes("boom"));
});

test("PERMISSIONS is the frozen canonical list and matches GetPermissionsList", () => {
  assert.ok(Object.isFrozen(api.PERMISSIONS));
  assert.equal(api.PERMISSIONS.length, 13);
  assert.deepEqual([...api.PERMISSIONS], api.getPermissionsList().permissions.permission);
});

test("formatResponse json is JSON.stringify, byte for byte, for every vector response", () => {
  let n = 0;
  for (const file of Object.values(loadVectors())) {
    for (const c of file.cases) {
      if (!c.expect.response) continue;
      n++;
      assert.equal(api.formatResponse(c.expect.response, "json"), JSON.stringify(c.expect.response));
    }
  }
  assert.ok(n > 900, `${n}`);
});

// Removes the newlines between elements (whitespace-only text beside elements).
function dropLayout(node) {
  if (Array.isArray(node)) return node.map(dropLayout);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "#text" && /^\s*$/.test(v)) continue;
    out[k] = dropLayout(v);
  }
  return out;
}

// Characters XML 1.0 cannot carry are rendered as U+FFFD.
const xmlText = (s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd");

// Arrays render as repeated elements: the parser is told which names repeat.
const REPEATED = new Set(["permission", "users", "clients"]);
const parser = new XMLParser({ ignoreDeclaration: true, parseTagValue: false, trimValues: false, isArray: (name) => REPEATED.has(name) });

/**
 * A JSON response as the XML parser gives it back: text for every scalar,
 * an empty array as no element at all, an object without children as the
 * newline its element holds.
 */
function asParsed(value) {
  if (Array.isArray(value)) return value.map(asParsed);
  if (value === null) return "";
  if (typeof value === "string") return xmlText(value);
  if (typeof value !== "object") return String(value);
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = asParsed(v);
  }
  return Object.keys(out).length === 0 ? "\n" : out;
}

test("every vector response renders to well-formed XML that parses back to the same values", () => {
  let n = 0;
  for (const file of Object.values(loadVectors())) {
    for (const c of file.cases) {
      const r = c.expect.response;
      if (!r) continue;
      n++;
      const command = c.call === "localApi" && typeof c.command === "string" ? c.command : "UpdateUserPermissions";
      const xml = api.formatResponse(r, "xml", command);
      assert.equal(XMLValidator.validate(xml), true, xml);
      assert.ok(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<whmcsapi>\n<action>'));
      const back = dropLayout(parser.parse(xml).whmcsapi);
      assert.equal(back.action, xmlText(command.toLowerCase()));
      const { action, ...rest } = back;
      const expected = asParsed(r);
      assert.deepEqual(Object.keys(rest), Object.keys(expected), xml);
      assert.deepEqual(rest, expected, xml);
    }
  }
  assert.ok(n > 900, `${n}`);
});

test("XML escapes text and keeps characters XML cannot carry out", () => {
  const xml = api.formatResponse({ result: "error", message: `Invalid permission: <a href="x">&'\u0001` }, "xml", "CreateClientInvite");
  assert.equal(XMLValidator.validate(xml), true);
  assert.ok(xml.includes("<message>Invalid permission: &lt;a href=&quot;x&quot;&gt;&amp;&apos;\uFFFD</message>"));
  assert.throws(() => api.formatResponse({ result: "success" }, "yaml"), TypeError);
  assert.throws(() => api.formatResponse("nope", "json"), TypeError);
});

test("the browser entry refuses calls before init, then init is idempotent and concurrent-safe", async () => {
  const browser = await import("../../pkg/browser.mjs");
  assert.throws(() => browser.getPermissionsList(), (e) => e instanceof Error && e.message.includes("await init()"));
  const bytes = readFileSync(new URL("../../pkg/whmcs_permissions_bg.wasm", import.meta.url));
  await Promise.all([browser.init(bytes), browser.init(bytes), browser.init()]);
  await browser.init(bytes);
  assert.equal(browser.isReady(), true);
  assert.deepEqual(browser.getPermissionsList(), api.getPermissionsList());
});

test("the browser entry loads from a compiled WebAssembly.Module too", async () => {
  const url = new URL("../../pkg/browser.mjs?module", import.meta.url);
  const browser = await import(url.href);
  const module = await WebAssembly.compile(readFileSync(new URL("../../pkg/whmcs_permissions_bg.wasm", import.meta.url)));
  await browser.init(module);
  assert.equal(browser.hasPermission(base(), 1, 1, "orders"), true);
});

test("require and import give the same functions", async () => {
  const { createRequire } = await import("node:module");
  const cjs = createRequire(import.meta.url)("whmcs-permissions");
  assert.deepEqual(Object.keys(cjs).sort(), Object.keys(api).filter((k) => k !== "default").sort());
  const state = base();
  const p = { user_id: "2", client_id: "1", permissions: ["orders,profile"] };
  assert.equal(JSON.stringify(cjs.updateUserPermissions(state, p)), JSON.stringify(api.updateUserPermissions(state, p)));
});

test("the minified entries keep the public classes' names", async () => {
  const { createRequire } = await import("node:module");
  const cjs = createRequire(import.meta.url)("whmcs-permissions");
  const browser = await import("../../pkg/browser.mjs?names");
  for (const entry of [api, cjs, browser]) {
    assert.equal(entry.PermissionStore.name, "PermissionStore");
    assert.equal(entry.StateError.name, "StateError");
  }
  const store = api.PermissionStore.fromState(base());
  assert.match(inspect(store), /^PermissionStore /);
  store.free();
  const error = new api.StateError("state.users: must be an array", "state.users");
  assert.equal(error.constructor.name, "StateError");
  assert.match(inspect(error), /^StateError: state\.users: must be an array/);
});

test("import on a Node without process.getBuiltinModule fails with a message that says what to do", () => {
  const script = "delete process.getBuiltinModule; await import('whmcs-permissions');";
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: new URL("../..", import.meta.url), encoding: "utf8" });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /whmcs-permissions: `import` needs Node 20\.16 or later \(process\.getBuiltinModule\); this is Node [\d.]+: upgrade, or use require\("whmcs-permissions"\)/);
});

test("vectors' named states used as expected states are canonical (a returned state of a no-op call equals them)", () => {
  let n = 0;
  for (const file of Object.values(loadVectors())) {
    const expectedNames = new Set(file.cases.map((c) => c.expect?.state?.$ref).filter((r) => typeof r === "string"));
    for (const name of expectedNames) {
      n++;
      const state = resolve(file, { $ref: name });
      let out;
      try {
        out = api.localApi("GetPermissionsList", {}, state);
      } catch {
        continue; // some named states are deliberately malformed
      }
      assert.deepEqual(out.state, resolve(file, { $ref: name }));
    }
  }
  assert.ok(n > 10, `${n}`);
});
