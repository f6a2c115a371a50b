// The smallest inputs that took the module down before issue 8, one test
// each; after each, a good call must still answer correctly.
import { test } from "node:test";
import { api, assert } from "./helpers.mjs";

const good = () => ({
  users: [{ id: 1 }, { id: 2 }],
  clients: [{ id: 1, owner_user_id: 1 }],
  user_clients: [{ user_id: 2, client_id: 1, permissions: ["profile"] }],
});
const holes = () => {
  const a = [];
  a.length = 2 ** 32 - 1;
  return a;
};
const revoked = (target) => {
  const r = Proxy.revocable(target, {});
  r.revoke();
  return r.proxy;
};
const healthy = () => {
  assert.deepEqual(api.updateUserPermissions(good(), { user_id: 2, client_id: 1, permissions: "orders" }).changes.length, 1);
  assert.ok(api.wasmMemoryBytes() < 64 * 1024 * 1024);
};

test("a sparse state array (length 2^32-1) is a StateError, not an allocation trap (src/state.rs)", () => {
  for (const key of ["users", "clients", "user_clients", "invites"]) {
    assert.throws(() => api.getUserPermissions({ ...good(), [key]: holes() }, {}), {
      name: "StateError",
      message: `state.${key}[0]: must be an object, got undefined`,
    });
    assert.throws(() => api.PermissionStore.fromState({ ...good(), [key]: holes() }), { name: "StateError" });
  }
  healthy();
});

test("a sparse batch (length 2^32-1) is a TypeError, not an allocation trap (src/wasm.rs batch_calls)", () => {
  const store = api.PermissionStore.fromState(good());
  assert.throws(() => store.applyBatch(holes()), { name: "TypeError", message: /^calls\[0\] must be an object/ });
  assert.equal(store.hasPermission(2, 1, "profile"), true); // the store is not left borrowed
  store.free();
  healthy();
});

test("a revoked proxy anywhere is read as an unreadable object, not a throw through Rust frames (src/wasm.rs typeCode)", () => {
  assert.throws(() => api.updateUserPermissions(revoked({}), {}), { name: "StateError", message: /^state\.users: could not be read/ });
  assert.throws(() => api.updateUserPermissions(good(), revoked({})), { name: "TypeError", message: /^params\.user_id could not be read/ });
  assert.equal(api.hasPermission(good(), revoked([]), 1, "profile"), false);
  assert.throws(() => api.localApi(revoked({}), {}, good()), { name: "TypeError", message: "command must be a string, got an object" });
  assert.throws(() => api.formatResponse(revoked({}), "json"), { name: "TypeError" });
  const store = api.PermissionStore.fromState(good());
  assert.throws(() => store.localApi("GetUserPermissions", revoked({})), TypeError);
  assert.throws(() => store.applyBatch([revoked({})]), TypeError);
  // Before the fix the store stayed borrowed ("recursive use of an object")
  // and its finalizer later crashed the process.
  assert.deepEqual(store.getUserPermissions({ user_id: 2, client_id: 1 }).permissions.permission, ["profile"]);
  store.free();
  healthy();
});

test("formatResponse of a sparse array is a TypeError at once, not a 17 s walk to an allocation trap (src/wasm.rs response_value)", () => {
  const start = performance.now();
  assert.throws(() => api.formatResponse({ result: "success", list: holes() }, "json"), { name: "TypeError", message: /more than 1000000 values/ });
  assert.ok(performance.now() - start < 1000);
  assert.equal(api.formatResponse({ result: "success", list: new Array(3) }, "json"), '{"result":"success","list":[null,null,null]}');
  healthy();
});

test("a store called again from a getter in its own arguments throws a clear Error, not a wasm-bindgen one (js/store.ts)", () => {
  const store = api.PermissionStore.fromState(good());
  for (const reenter of [() => store.hasPermission(2, 1, "profile"), () => store.toState(), () => store.free()]) {
    assert.throws(
      () => store.updateUserPermissions({ get user_id() { return reenter(); }, client_id: 1, permissions: "orders" }),
      (e) => e instanceof TypeError && /cannot be (used|freed) while one of its own calls is running/.test(e.message),
    );
  }
  assert.equal(store.hasPermission(2, 1, "profile"), true);
  store.free();
  healthy();
});

test("getters that call the API recursively end after 32 levels with a TypeError (js/api.ts)", () => {
  let depth = 0;
  const params = { get user_id() { depth++; return api.getUserPermissions(good(), params).result; }, client_id: 1 };
  assert.throws(() => api.getUserPermissions(good(), params), (e) => e instanceof TypeError && /nested more than 32 deep/.test(e.message));
  assert.equal(depth, 32);
  healthy();
});

test("100,000 throwing getters in formatResponse leave the instance healthy (shadow stack never leaks)", () => {
  const bad = { get result() { throw new Error("boom"); } };
  let typeErrors = 0;
  for (let i = 0; i < 100_000; i++) {
    try {
      api.formatResponse({ a: [1, { b: bad }] }, "xml");
    } catch (e) {
      if (e instanceof TypeError) typeErrors++;
    }
  }
  assert.equal(typeErrors, 100_000);
  healthy();
});
