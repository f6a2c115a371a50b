// PermissionStore: the vectors through a store, and property tests that a
// store agrees with folding the same calls through the functional API.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as api from "whmcs-permissions";
import { loadVectors } from "./load-vectors.mjs";
import { runAll, viaStore } from "../shared/vector-runner.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

test("every vector agrees through a PermissionStore", (t) => {
  const { total, failures } = runAll(viaStore(api), loadVectors(), { anyThrow: true });
  t.diagnostic(`store: ${total - failures.length}/${total} vectors agree`);
  assert.deepEqual(failures, []);
  assert.ok(total >= 600);
});

// A small world so random calls hit owners, links, unknown ids and clashes.
const USERS = [1, 2, 3, 4, 5];
const CLIENTS = [10, 20, 30];
const baseState = () => ({
  users: USERS.map((id) => ({ id, email: `u${id}@example.com`, tag: { id } })),
  clients: [
    { id: 10, owner_user_id: 1 },
    { id: 20, owner_user_id: 2, note: "n" },
    { id: 30, owner_user_id: 99 },
  ],
  user_clients: [
    { user_id: 3, client_id: 10, permissions: ["profile"], since: 2020 },
    { user_id: 4, client_id: 10, permissions: "invoices,orders" },
    { user_id: 3, client_id: 20, permissions: [] },
  ],
  invites: [{ client_id: 30, email: "x@example.com", permissions: ["emails"] }],
  meta: { v: 1 },
});

const id = (pool) => fc.oneof(fc.constantFrom(...pool), fc.constantFrom(0, 7, "x", -1), fc.constantFrom(...pool).map(String));
const perms = fc.oneof(
  fc.subarray([...api.PERMISSIONS]).map((a) => a.join(",")),
  fc.subarray([...api.PERMISSIONS]),
  fc.constantFrom("", "nope", "profile,Nope", [], null),
);
const call = fc.oneof(
  fc.record({ command: fc.constantFrom("UpdateUserPermissions", "updateuserpermissions"), params: fc.record({ user_id: id(USERS), client_id: id(CLIENTS), permissions: perms }) }),
  fc.record({ command: fc.constant("DeleteUserClient"), params: fc.record({ user_id: id(USERS), client_id: id(CLIENTS) }) }),
  fc.record({ command: fc.constant("GetUserPermissions"), params: fc.record({ user_id: id(USERS), client_id: id(CLIENTS) }) }),
  fc.record({ command: fc.constant("CreateClientInvite"), params: fc.record({ client_id: id(CLIENTS), email: fc.constantFrom("u3@example.com", "U4@EXAMPLE.COM", "new@example.com", "bad", ""), permissions: perms }) }),
  fc.record({ command: fc.constantFrom("GetPermissionsList", "Nope"), params: fc.constant({}) }),
);

// Node 20 has no `using` syntax: `scope(f)` frees every store `open()` made.
function scope(f) {
  const stores = [];
  const open = (state) => {
    const s = api.PermissionStore.fromState(state);
    stores.push(s);
    return s;
  };
  try {
    return f(open);
  } finally {
    for (const s of stores) s[Symbol.dispose]();
  }
}

/** Folds calls through the functional `localApi`. */
function fold(calls) {
  let state = api.localApi("GetPermissionsList", {}, baseState()).state; // canonical
  const responses = [];
  const changes = [];
  for (const { command, params } of calls) {
    const out = api.localApi(command, params, state);
    responses.push(out.response);
    changes.push(...out.changes);
    state = out.state;
  }
  return { responses, changes, state };
}

test("property: a store gives the same responses, changes and final state as the functional API", () => {
  fc.assert(
    fc.property(fc.array(call, { maxLength: 25 }), (calls) => scope((open) => {
      const want = fold(calls);
      const store = open(baseState());
      const responses = [];
      const changes = [];
      for (const { command, params } of calls) {
        const out = store.localApi(command, params);
        responses.push(out.response);
        changes.push(...out.changes);
      }
      assert.deepEqual(responses, want.responses);
      assert.deepEqual(changes, want.changes);
      assert.equal(JSON.stringify(store.toState()), JSON.stringify(want.state));
    })),
    { numRuns: RUNS },
  );
});

test("property: hasPermission on a store agrees with the functional hasPermission after any calls", () => {
  fc.assert(
    fc.property(fc.array(call, { maxLength: 15 }), id(USERS), id(CLIENTS), fc.constantFrom(...api.PERMISSIONS), (calls, u, c, p) => scope((open) => {
      const { state } = fold(calls);
      const store = open(baseState());
      for (const { command, params } of calls) store.localApi(command, params);
      assert.equal(store.hasPermission(u, c, p), api.hasPermission(state, u, c, p));
    })),
    { numRuns: RUNS },
  );
});

test("property: a non-atomic batch equals the fold; an atomic batch applies all or nothing", () => {
  fc.assert(
    fc.property(fc.array(call, { maxLength: 20 }), (calls) => scope((open) => {
      const want = fold(calls);
      const firstError = want.responses.findIndex((r) => r.result === "error");

      const loose = open(baseState());
      const b = loose.applyBatch(calls);
      assert.deepEqual(b.responses, want.responses);
      assert.deepEqual(b.changes, want.changes);
      assert.equal(b.failedIndex, firstError === -1 ? null : firstError);
      assert.equal(JSON.stringify(loose.toState()), JSON.stringify(want.state));

      const strict = open(baseState());
      const before = JSON.stringify(strict.toState());
      const a = strict.applyBatch(calls, { atomic: true });
      if (firstError === -1) {
        assert.equal(a.failedIndex, null);
        assert.deepEqual(a.changes, want.changes);
        assert.equal(JSON.stringify(strict.toState()), JSON.stringify(want.state));
      } else {
        assert.equal(a.failedIndex, firstError);
        assert.deepEqual(a.responses, want.responses.slice(0, firstError + 1));
        assert.deepEqual(a.changes, []);
        assert.equal(JSON.stringify(strict.toState()), before);
      }
    })),
    { numRuns: RUNS },
  );
});

test("a malformed batch throws before anything runs", () => scope((open) => {
  const store = open(baseState());
  const before = JSON.stringify(store.toState());
  assert.throws(
    () => store.applyBatch([{ command: "DeleteUserClient", params: { user_id: 3, client_id: 10 } }, { command: 5, params: {} }]),
    (e) => e instanceof TypeError && e.message.includes("calls[1].command"),
  );
  assert.throws(() => store.applyBatch("nope"), TypeError);
  assert.equal(JSON.stringify(store.toState()), before);
}));

test("fromState throws the same StateError as the functional API; free() is final", () => {
  const bad = { users: [{ id: 1 }, { id: 1 }], clients: [] };
  assert.throws(() => api.PermissionStore.fromState(bad), (e) => e instanceof api.StateError && e.path === "state.users[1].id");
  const store = api.PermissionStore.fromState(baseState());
  store.free();
  store.free();
  assert.throws(() => store.hasPermission(1, 10, "profile"), /freed/);
  const scoped = api.PermissionStore.fromState(baseState());
  assert.equal(scoped.hasPermission(1, 10, "orders"), true);
  scoped[Symbol.dispose]();
  assert.throws(() => scoped.toState(), /freed/);
});

test("toState keeps unknown fields by reference and the order of untouched records", () => scope((open) => {
  const state = baseState();
  const store = open(state);
  store.deleteUserClient({ user_id: 4, client_id: 10 });
  const out = store.toState();
  assert.equal(out.meta, state.meta);
  assert.equal(out.users[2].tag, state.users[2].tag);
  assert.deepEqual(out.user_clients.map((l) => [l.user_id, l.client_id]), [[3, 10], [3, 20]]);
  assert.equal(out.user_clients[0].since, 2020);
  assert.notEqual(out, state);
}));

test("store hasPermission: owner true, TypeError for unknown names, false for bad ids", () => scope((open) => {
  const store = open(baseState());
  assert.equal(store.hasPermission(1, 10, "orders"), true);
  assert.equal(store.hasPermission("3", " 10 ", "profile"), true);
  assert.equal(store.hasPermission(3, 10, "orders"), false);
  assert.equal(store.hasPermission(99, 30, "profile"), false); // owner not in users
  assert.equal(store.hasPermission(NaN, 10, "profile"), false);
  assert.equal(store.hasPermission(3.5, 10, "profile"), false);
  assert.throws(() => store.hasPermission(1, 10, "Orders"), TypeError);
  assert.throws(() => store.hasPermission(1, 10, 5), TypeError);
}));
