// The instance stays healthy: after 100,000 bad calls in a row (mixed
// kinds), good calls still give the conformance answers and the WebAssembly
// memory has not grown.
import { test } from "node:test";
import { api, assert, CORPUS, outcome } from "./helpers.mjs";
import { loadVectors } from "../js/load-vectors.mjs";
import { runAll, viaStore } from "../shared/vector-runner.js";

const BAD_CALLS = 100_000;
const MiB = 1024 * 1024;

const good = () => ({
  users: [{ id: 1, email: "owner@example.com" }, { id: 2, email: "staff@example.com" }],
  clients: [{ id: 1, owner_user_id: 1 }],
  user_clients: [{ user_id: 2, client_id: 1, permissions: ["profile"] }],
});

test(`${BAD_CALLS.toLocaleString("en")} bad calls in a row: answers still right, memory flat`, (t) => {
  const store = api.PermissionStore.fromState(good());
  const long = "y".repeat(10_000);
  const kinds = [
    () => api.updateUserPermissions({ users: [{ id: 1 }, { id: 1 }], clients: [] }, {}), // StateError
    () => api.updateUserPermissions(good(), null), // TypeError
    () => api.updateUserPermissions(good(), CORPUS.revokedObject()),
    () => api.deleteUserClient({ ...good(), users: [CORPUS.getterThrows()] }, { user_id: 2, client_id: 1 }),
    () => api.createClientInvite(CORPUS.proxyThrows(), {}),
    () => api.updateUserPermissions({ ...good(), users: CORPUS.sparseHuge() }, {}),
    () => api.updateUserPermissions(good(), { user_id: 2, client_id: 1, permissions: `profile,${long}` }),
    () => api.updateUserPermissions(good(), { user_id: 1n, client_id: NaN, permissions: Symbol("p") }),
    () => api.createClientInvite(good(), { client_id: 1, email: `\ud800${long}@example.com`, permissions: "profile" }),
    () => api.getUserPermissions(good(), { user_id: -0, client_id: Infinity }),
    () => api.localApi(CORPUS.revokedArray(), {}, good()),
    () => api.localApi("UpdateUserPermissions", JSON.parse('{"__proto__":{"polluted":1}}'), good()),
    () => api.localApi(long, {}, good()),
    () => api.hasPermission(good(), 2, 1, "Profile"),
    () => api.hasPermission(CORPUS.cyclic(), 2, 1, "profile"),
    () => api.formatResponse({ get result() { throw new Error("boom"); } }, "xml"),
    () => api.formatResponse(CORPUS.cyclic(), "json"),
    () => api.formatResponse({ result: "success", holes: CORPUS.sparseHuge() }, "json"),
    () => api.formatResponse({ result: 1n }, "xml"),
    () => store.applyBatch([{ command: "DeleteUserClient", params: { user_id: 2, client_id: 1 } }, { command: "x", params: null }]),
    () => store.applyBatch([{ command: "DeleteUserClient", params: { user_id: 2, client_id: 1 } }, { command: "nope", params: {} }], { atomic: true }),
    () => store.applyBatch(CORPUS.sparseHuge()),
    () => store.updateUserPermissions({ get user_id() { return store.hasPermission(2, 1, "profile"); } }),
    () => store.localApi("CreateClientInvite", { client_id: CORPUS.proxyThrows(), email: "x@y.z", permissions: "x" }),
    () => store.hasPermission(CORPUS.revokedObject(), 1, "profile"),
    () => api.PermissionStore.fromState({ ...good(), user_clients: [{ user_id: 2, client_id: 9, permissions: [] }] }),
  ];
  const fresh = api.wasmMemoryBytes();
  // One round first: first-use allocations (room reserved for a state array,
  // cached strings) set the high-water mark; a leak would grow past it.
  for (const kind of kinds) outcome(kind);
  const before = api.wasmMemoryBytes();
  let threw = 0;
  let errors = 0;
  const start = performance.now();
  for (let i = 0; i < BAD_CALLS; i++) {
    const r = outcome(kinds[i % kinds.length]);
    if ("error" in r) threw++;
    else if (r.value?.response?.result === "error" || r.value?.result === "error" || r.value?.failedIndex !== null) errors++;
  }
  const seconds = (performance.now() - start) / 1000;
  const after = api.wasmMemoryBytes();
  t.diagnostic(`${BAD_CALLS} bad calls of ${kinds.length} kinds in ${seconds.toFixed(1)} s: ${threw} threw StateError/TypeError, ${errors} answered with an error`);
  t.diagnostic(`WASM memory: ${(fresh / MiB).toFixed(2)} MiB at start, ${(before / MiB).toFixed(2)} MiB after one round of each kind, ${(after / MiB).toFixed(2)} MiB after ${BAD_CALLS} bad calls (+${((after - before) / MiB).toFixed(2)} MiB)`);
  assert.ok(after - before <= 4 * MiB, `memory grew by ${after - before} bytes`);

  // Good calls still give the conformance answers, functional and through a store.
  for (const runtime of [api, viaStore(api)]) {
    const { total, failures } = runAll(runtime, loadVectors(), { anyThrow: runtime !== api });
    assert.deepEqual(failures, []);
    assert.ok(total > 600);
  }
  assert.deepEqual(store.getUserPermissions({ user_id: 2, client_id: 1 }), { result: "success", permissions: { permission: ["profile"] } });
  assert.equal(store.hasPermission(1, 1, "orders"), true);
  store.free();
  assert.equal({}.polluted, undefined);
});
