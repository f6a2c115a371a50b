// A trap never leaves the module poisoned: the wrapper (js/api.ts `call`)
// replaces the instance and the call throws a plain Error that says so.
// Provoked for real, with no test hook: a state whose `users` is a proxy
// claiming 2^32-1 distinct records fills the engine's table of JS references
// (10 million in V8) and the instance traps. See SECURITY.md.
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { api, assert } from "./helpers.mjs";
import { loadVectors } from "../js/load-vectors.mjs";
import { runAll } from "../shared/vector-runner.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");

const good = () => ({
  users: [{ id: 1 }, { id: 2 }],
  clients: [{ id: 1, owner_user_id: 1 }],
  user_clients: [{ user_id: 2, client_id: 1, permissions: ["invoices"] }],
});

/** An array proxy that claims 2^32-1 users, each with its own id. */
const endlessUsers = () =>
  new Proxy([], {
    get: (_t, k) => (k === "length" ? 2 ** 32 - 1 : typeof k === "string" && /^\d+$/.test(k) ? { id: Number(k) + 1 } : undefined),
  });

test("a trap re-instantiates the module; the call throws a clear Error; stores made before say they are gone", async (t) => {
  const kept = api.PermissionStore.fromState(good());
  for (let i = 0; i < 50; i++) api.PermissionStore.fromState(good()); // dropped without free(): left to the finalizer
  const start = performance.now();
  let thrown;
  try {
    api.getUserPermissions({ users: endlessUsers(), clients: [] }, { user_id: 1, client_id: 1 });
  } catch (error) {
    thrown = error;
  }
  t.diagnostic(`trapped after ${((performance.now() - start) / 1000).toFixed(1)} s: ${thrown?.message}`);
  assert.ok(thrown instanceof Error);
  assert.ok(!(thrown instanceof WebAssembly.RuntimeError));
  assert.match(thrown.message, /^whmcs-permissions: internal error: the WebAssembly instance trapped \(.+\); the call had no effect/);
  assert.ok(thrown.cause instanceof WebAssembly.RuntimeError);

  // The fresh instance answers every vector, with fresh memory.
  const { total, failures } = runAll(api, loadVectors());
  assert.deepEqual(failures, []);
  assert.ok(total > 600);
  assert.ok(api.wasmMemoryBytes() < 8 * 1024 * 1024, `${api.wasmMemoryBytes()}`);

  // A store of the old instance says so, once, and can still be freed.
  assert.throws(() => kept.hasPermission(2, 1, "invoices"), /was lost when the WebAssembly instance trapped/);
  assert.throws(() => kept.toState(), /freed/);
  kept.free();

  // Finalizers of the old instance's stores must not touch the new one.
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const store = api.PermissionStore.fromState(good());
  assert.equal(store.hasPermission(2, 1, "invoices"), true);
  assert.deepEqual(store.updateUserPermissions({ user_id: 2, client_id: 1, permissions: "orders" }).changes.length, 1);
  store.free();
  assert.deepEqual(runAll(api, loadVectors()).failures, []);
});
