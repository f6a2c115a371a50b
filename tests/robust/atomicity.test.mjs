// Atomicity and no mutation, over random call sequences: the caller's state
// and params stay deep-equal and reference-equal (every nested object) to
// what was passed, deep-frozen inputs work exactly like plain ones, an error
// changes nothing, and a store's atomic batch that fails (or a batch that
// throws) leaves the store as it was.
import { test } from "node:test";
import {
  api, assert, assertUnchanged, deepFreeze, fc, makeParams, makeState, outcome, params, PERMS, runs, snapshot, state, validState,
} from "./helpers.mjs";

const COMMANDS = ["UpdateUserPermissions", "DeleteUserClient", "CreateClientInvite", "GetUserPermissions", "GetPermissionsList", "nope"];
const id = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }).map(String));
const perms = fc.oneof(fc.subarray(PERMS).map((a) => a.join(",")), fc.subarray(PERMS), fc.constantFrom("", "nope", null));
/** Plain calls from the small world of `validState`. */
const call = fc.record({
  command: fc.constantFrom(...COMMANDS),
  params: fc.record({ user_id: id, client_id: id, permissions: perms, email: fc.constantFrom("u2@example.com", "new@example.com", "bad") }, { requiredKeys: [] }),
});

const canonical = (s) => JSON.stringify(api.localApi("GetPermissionsList", {}, s).state);

test("property: sequences of calls on deep-frozen states and params behave exactly like plain ones, and mutate nothing", (t) => {
  let calls = 0;
  fc.assert(
    fc.property(validState, fc.array(call, { maxLength: 12 }), (start, calls_) => {
      let plain = structuredClone(start);
      let frozen = deepFreeze(structuredClone(start));
      for (const { command, params: p } of calls_) {
        const pFrozen = deepFreeze(structuredClone(p));
        const before = [snapshot(frozen), snapshot(pFrozen)];
        const a = api.localApi(command, structuredClone(p), plain);
        const b = api.localApi(command, pFrozen, frozen);
        before.forEach(assertUnchanged);
        assert.deepEqual(b, a);
        if (a.response.result === "error") {
          assert.deepEqual(a.changes, []);
          assert.equal(JSON.stringify(b.state), canonical(frozen)); // nothing changed
        }
        plain = a.state;
        frozen = deepFreeze(b.state); // the returned state, frozen, goes on
        calls++;
      }
    }),
    { numRuns: runs(200) },
  );
  t.diagnostic(`${runs(200)} sequences, ${calls} calls`);
});

test("property: any call on any state (hostile values included) leaves every input object as it was", (t) => {
  const fns = [
    (s, p) => api.updateUserPermissions(s, p),
    (s, p) => api.deleteUserClient(s, p),
    (s, p) => api.createClientInvite(s, p),
    (s, p) => api.getUserPermissions(s, p),
    (s, p) => api.localApi("CreateClientInvite", p, s),
    (s, p) => api.hasPermission(s, 2, 1, "profile") && p,
  ];
  fc.assert(
    fc.property(state, params, fc.nat(fns.length - 1), fc.boolean(), (ss, ps, which, freeze) => {
      const s = makeState(ss);
      const p = makeParams(ps);
      if (freeze) {
        deepFreeze(s);
        deepFreeze(p);
      }
      const before = [snapshot(s), snapshot(p)];
      outcome(() => fns[which](s, p));
      before.forEach(assertUnchanged);
    }),
    { numRuns: runs(500) },
  );
  t.diagnostic(`${runs(500)} cases`);
});

test("property: a store's atomic batch is all or nothing; a batch that throws changes nothing", (t) => {
  const hostileParams = fc.constantFrom(
    null,
    () => ({ get user_id() { throw new Error("getter"); } }),
    () => new Proxy({}, { get() { throw new Error("trap"); } }),
  );
  const batchCall = fc.oneof(
    { weight: 8, arbitrary: call },
    { weight: 1, arbitrary: fc.record({ command: fc.constantFrom("UpdateUserPermissions", 5), params: hostileParams }) },
  );
  let failed = 0;
  let thrown = 0;
  fc.assert(
    fc.property(validState, fc.array(call, { maxLength: 6 }), fc.array(batchCall, { maxLength: 10 }), fc.boolean(), (start, setup, batch, atomic) => {
      const store = api.PermissionStore.fromState(start);
      try {
        for (const c of setup) store.localApi(c.command, c.params);
        const before = JSON.stringify(store.toState());
        const calls = batch.map((c) => ({ command: c.command, params: typeof c.params === "function" ? c.params() : c.params }));
        const r = outcome(() => store.applyBatch(calls, { atomic }));
        if ("error" in r) {
          thrown++;
          assert.equal(JSON.stringify(store.toState()), before);
        } else if (atomic && r.value.failedIndex !== null) {
          failed++;
          assert.deepEqual(r.value.changes, []);
          assert.equal(JSON.stringify(store.toState()), before);
        }
        // Whatever happened, the store still works.
        assert.equal(store.hasPermission(2, 1, "profile"), api.hasPermission(store.toState(), 2, 1, "profile"));
      } finally {
        store.free();
      }
    }),
    { numRuns: runs(300) },
  );
  t.diagnostic(`${runs(300)} batches: ${failed} atomic batches failed and were undone, ${thrown} threw before or while running`);
});
