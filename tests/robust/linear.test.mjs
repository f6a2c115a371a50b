// Linear work, counted: no timings here (they are in `npm run bench`,
// BENCHMARKS.md). The WebAssembly core reads the host's objects, so a
// state wrapped in a counting Proxy shows how often it is read:
//
// - validating a state reads each record a fixed number of times, so 10x
//   the records is 10x the reads;
// - after the first call of each store method (which may build a lazy
//   index, reading every user once), every further call reads the state a
//   fixed number of times, the same at 1,000 and at 1,000,000 links: a
//   store keeps handles to the records and indexes what the rules need.
//   (CreateClientInvite once read every user's email across the boundary
//   on every call; that is what this catches.)
//
// Instruction counts of the same cases natively (strings 10x longer, states
// 10x larger, stores 1000x larger) are in tests/work/run.mjs (callgrind).
import { test } from "node:test";
import { api, assert } from "./helpers.mjs";
import { storeCalls, world } from "../shared/world.js";

/**
 * A deep counting view of `target`: every `get` (and every other trap) on
 * it, or on any object reached through it, is counted. The same object is
 * always seen through the same proxy, as a store keeps it.
 */
function counted(target) {
  const counts = { get: 0, other: 0 };
  const proxies = new WeakMap();
  const wrap = (v) => {
    if (typeof v !== "object" || v === null) return v;
    let p = proxies.get(v);
    if (p === undefined) {
      p = new Proxy(v, handler);
      proxies.set(v, p);
    }
    return p;
  };
  const other = (trap) => (...args) => {
    counts.other++;
    return Reflect[trap](...args);
  };
  const handler = {
    get(t, k) {
      counts.get++;
      return wrap(Reflect.get(t, k));
    },
    has: other("has"),
    ownKeys: other("ownKeys"),
    getOwnPropertyDescriptor: other("getOwnPropertyDescriptor"),
    getPrototypeOf: other("getPrototypeOf"),
  };
  return { state: wrap(target), counts, reads: () => counts.get + counts.other };
}

/** The reads `f` makes of a counted state. */
function readsOf(view, f) {
  const before = view.reads();
  f();
  return view.reads() - before;
}

test("validating a state reads each record a fixed number of times: 10x the records, 10x the reads", (t) => {
  const sizes = [1_000, 10_000, 100_000];
  const rows = sizes.map((n) => {
    const view = counted(world(n).state);
    const store = readsOf(view, () => api.PermissionStore.fromState(view.state).free());
    const functional = readsOf(view, () => api.getUserPermissions(view.state, { user_id: 1, client_id: 2 }));
    return { n, store, functional };
  });
  for (const r of rows) t.diagnostic(`${r.n} links: fromState ${r.store} reads, functional getUserPermissions ${r.functional} reads`);
  for (const [a, b] of [[rows[0], rows[1]], [rows[1], rows[2]]]) {
    for (const what of ["store", "functional"]) {
      const ratio = b[what] / a[what];
      assert.ok(ratio > 9.9 && ratio < 10.1, `${what}: ${a[what]} reads at ${a.n} links, ${b[what]} at ${b.n}: ${ratio.toFixed(3)}x`);
    }
  }
});

test("after its first call, every store method reads the state a fixed number of times, the same at 1,000 and 1,000,000 links", (t) => {
  const CALLS = 8;
  /** Reads per call of each method, after one uncounted first call. */
  function perCall(links) {
    const w = world(links);
    const view = counted(w.state);
    const store = api.PermissionStore.fromState(view.state);
    const out = new Map();
    for (const [label, method, args] of storeCalls(w, CALLS + 1)) {
      store[method](...args[0]);
      let reads = 0;
      for (const a of args.slice(1)) reads += readsOf(view, () => store[method](...a));
      out.set(label, reads / CALLS);
    }
    store.free();
    return out;
  }
  const small = perCall(1_000);
  const large = perCall(1_000_000);
  for (const [label, a] of small) t.diagnostic(`${label}: ${a} reads per call at 1,000 links, ${large.get(label)} at 1,000,000`);
  for (const [label, a] of small) {
    assert.equal(large.get(label), a, `${label}: ${a} reads per call at 1,000 links, ${large.get(label)} at 1,000,000`);
    // A page of GetUsers reads its 25 users' fields; nothing else reads more than a few records.
    assert.ok(a <= 200, `${label}: ${a} reads per call`);
  }
});

test("an atomic batch that adds a user and fails leaves GetUsers' order as it was", () => {
  const store = api.PermissionStore.fromState(world(1_000).state);
  const page = () => store.getUsers({ sorting: "DESC", limitnum: 3 });
  const before = page();
  const batch = store.applyBatch([
    { command: "AddUser", params: { firstname: "A", lastname: "B", email: "a@example.com", password2: "x" } },
    { command: "AddUser", params: { firstname: "C", lastname: "D", email: "c@example.com", password2: "x" } },
    { command: "DeleteUserClient", params: { user_id: 0, client_id: 1 } },
  ], { atomic: true });
  assert.equal(batch.failedIndex, 2);
  assert.deepEqual(page(), before);
  assert.deepEqual(store.addUser({ firstname: "E", lastname: "F", email: "e@example.com", password2: "x" }).response, { result: "success", user_id: "201" });
  assert.deepEqual(page().users.map((u) => u.id), [201, 200, 199]);
  store.free();
});

// The large inputs the bench times (benches/linear.mjs) still answer as
// they should: nothing is cut short, nothing traps.
const MB = 1024 * 1024;
const sized = (unit, bytes) => unit.repeat(Math.ceil(bytes / unit.length));
const base = () => ({
  users: [{ id: 1, email: "owner@example.com" }, { id: 2, email: "staff@example.com" }],
  clients: [{ id: 1, owner_user_id: 1 }],
  user_clients: [{ user_id: 2, client_id: 1, permissions: ["profile"] }],
});

test("10 MB params and states answer as they should", () => {
  const update = (permissions) => api.updateUserPermissions(base(), { user_id: 2, client_id: 1, permissions });
  assert.deepEqual(update(sized("profile,invoices,orders,", 10 * MB)).changes[0].after, ["profile", "invoices", "orders"]);
  assert.deepEqual(update(sized("prófile,x,", 10 * MB)).response, { result: "error", message: "Invalid permission: prófile" });
  assert.deepEqual(update("profile,".repeat(1_000_000)).changes, []);
  assert.deepEqual(update(new Array(1_000_000).fill("tickets,quotes")).changes[0].after, ["quotes", "tickets"]);
  const email = { ...base(), users: [{ id: 1, email: sized("Owner.", 10 * MB) }, { id: 2, email: "staff@example.com" }] };
  assert.equal(api.createClientInvite(email, { client_id: 1, email: "new@example.com", permissions: "profile" }).response.result, "success");
  assert.equal(api.addUser(email, { firstname: "A", lastname: "B", email: "new@example.com", password2: "x" }).response.result, "success");
  assert.equal(api.updateUser(email, { user_id: 2, email: "new@example.com" }).response.result, "success");
  assert.deepEqual(api.resetPassword(email, { email: "STAFF@example.com" }).changes, [{ op: "reset_password", user_id: 2 }]);
  assert.equal(api.getUsers(email, { search: "owner.owner" }).totalresults, 1);
  const link = { ...base(), user_clients: [{ user_id: 2, client_id: 1, permissions: sized("profile, orders,", 10 * MB) }] };
  assert.deepEqual(api.getUserPermissions(link, { user_id: 2, client_id: 1 }).permissions.permission, ["profile", "orders"]);
});
