// Hostile inputs in every position of every export: each call ends in a
// documented WHMCS response, a StateError or TypeError with a clear message,
// or success — never a trap, a stack overflow, a wasm-bindgen message, a
// mutation of the input or a polluted prototype.
import { test } from "node:test";
import {
  api, assert, assertNoPollution, assertOutcome, assertResponse, assertUnchanged, command, COMMANDS, CORPUS, CORPUS_NAMES, fc,
  hostile, makeCommand, makeParams, makeState, outcome, PARAM_SLOTS, params, put, realize, runs, snapshot, state, STATE_SLOTS, validState,
} from "./helpers.mjs";

const good = () => ({
  users: [{ id: 1, email: "owner@example.com", firstname: "Olive", lastname: "Owner" }, { id: 2, email: "staff@example.com", language: "english" }],
  clients: [{ id: 1, owner_user_id: 1 }],
  user_clients: [{ user_id: 2, client_id: 1, permissions: ["profile"] }],
  invites: [{ client_id: 1, email: "i@example.com", permissions: "tickets" }],
  extra: {},
});
const goodParams = () => ({
  user_id: 2, client_id: 1, permissions: "invoices", email: "new@example.com", id: 2,
  firstname: "Ana", lastname: "Lee", password2: "s3cret!", language: "english", search: "st", limitstart: 0, limitnum: 5, sorting: "DESC",
});
const WRITES = ["updateUserPermissions", "deleteUserClient", "createClientInvite", "addUser", "updateUser", "resetPassword"];
const READS = ["getUserPermissions", "getUsers"];

/** `o[k]`, or undefined when reading it throws (the test's own read). */
const field = (o, k) => {
  try {
    return o?.[k];
  } catch {
    return undefined;
  }
};

/** Every export, called with (state, params); checks the result's shape. */
function callAll(s, p) {
  let n = 0;
  for (const name of WRITES) {
    const r = outcome(() => api[name](s, p));
    if ("value" in r) assertOutcome(r.value);
    n++;
  }
  for (const name of READS) {
    const g = outcome(() => api[name](s, p));
    if ("value" in g) assertResponse(g.value);
  }
  const page = outcome(() => api.getUsersPage(s, p, 3));
  if ("value" in page) assertResponse(page.value);
  for (const cmd of COMMANDS) {
    const plan = outcome(() => api.readPlan(cmd, p));
    if ("value" in plan) assert.ok(Array.isArray(plan.value.users));
  }
  for (const cmd of ["UpdateUserPermissions", "GetPermissionsList", "AddUser", "GetUsers", "nope"]) {
    const r = outcome(() => api.localApi(cmd, p, s));
    if ("value" in r) assertOutcome(r.value);
  }
  const h = outcome(() => api.hasPermission(s, field(p, "user_id"), field(p, "client_id"), "profile"));
  if ("value" in h) assert.equal(typeof h.value, "boolean");
  const st = outcome(() => api.PermissionStore.fromState(s));
  if ("value" in st) {
    const store = st.value;
    try {
      for (const name of WRITES) {
        const r = outcome(() => store[name](p));
        if ("value" in r) assertResponse(r.value.response);
      }
      for (const name of READS) outcome(() => store[name](p));
      outcome(() => store.localApi("DeleteUserClient", p));
      outcome(() => store.localApi("UpdateUser", p));
      outcome(() => store.hasPermission(field(p, "user_id"), field(p, "client_id"), "invoices"));
      outcome(() => store.applyBatch([{ command: "UpdateUserPermissions", params: p }, { command: "AddUser", params: p }, { command: "x", params: p }], { atomic: true }));
      const back = outcome(() => store.toState());
      if ("value" in back) assert.equal(typeof back.value, "object");
    } finally {
      store.free();
    }
  }
  return n + READS.length + 1 + COMMANDS.length + 5 + 8 + READS.length;
}

test("corpus: every hostile value in every state slot, through every export", (t) => {
  let calls = 0;
  for (const slot of STATE_SLOTS) {
    for (const name of CORPUS_NAMES) {
      const s = put(good(), slot, CORPUS[name]());
      const p = goodParams();
      const before = snapshot(s);
      calls += callAll(s, p);
      assertUnchanged(before);
    }
  }
  assertNoPollution();
  t.diagnostic(`${STATE_SLOTS.length} slots x ${CORPUS_NAMES.length} values: ${calls} calls`);
});

test("corpus: every hostile value in every params slot, through every export", (t) => {
  let calls = 0;
  const slots = PARAM_SLOTS;
  for (const slot of slots) {
    for (const name of CORPUS_NAMES) {
      const p = put(goodParams(), slot, CORPUS[name]());
      const s = good();
      const before = snapshot(p);
      calls += callAll(s, p);
      assertUnchanged(before);
    }
  }
  assertNoPollution();
  t.diagnostic(`${slots.length} slots x ${CORPUS_NAMES.length} values: ${calls} calls`);
});

test("corpus: localApi command and postData, hasPermission ids and name, every value", (t) => {
  let calls = 0;
  for (const name of CORPUS_NAMES) {
    const v = () => CORPUS[name]();
    const checks = [
      () => api.localApi(v(), goodParams(), good()),
      () => api.localApi("GetUserPermissions", v(), good()),
      () => api.readPlan(v(), goodParams()),
      () => api.readPlan("AddUser", v()),
      () => api.getUsersPage(good(), goodParams(), v()),
      () => api.getUsersPage(v(), goodParams(), 1),
      () => api.matchKey(v()),
      () => api.responseFormat(v()),
      () => api.localApi(v(), v(), v()),
      () => api.hasPermission(good(), v(), 1, "profile"),
      () => api.hasPermission(good(), 2, v(), "profile"),
      () => api.hasPermission(good(), 2, 1, v()),
      () => api.getPermissionsList(v(), v()),
      () => api.authenticationFailed(v()),
      () => api.wasmMemoryBytes(v()) > 0,
      () => api.isReady(v()),
    ];
    for (const f of checks) {
      const r = outcome(f);
      const answer = typeof r.value === "object" ? (r.value.response ?? r.value) : undefined;
      if (answer && "result" in answer) assertResponse(answer);
      calls++;
    }
    const store = api.PermissionStore.fromState(good());
    try {
      for (const f of [
        () => store.localApi(v(), goodParams()),
        () => store.localApi("DeleteUserClient", v()),
        () => store.hasPermission(v(), 1, "profile"),
        () => store.hasPermission(2, 1, v()),
        () => store.applyBatch(v()),
        () => store.applyBatch([v()]),
        () => store.applyBatch([{ command: v(), params: {} }]),
        () => store.applyBatch([{ command: "DeleteUserClient", params: v() }], { atomic: true }),
        () => store.applyBatch([], v()),
      ]) {
        outcome(f);
        calls++;
      }
      // The store still answers correctly after all of that.
      assert.deepEqual(store.getUserPermissions({ user_id: 1, client_id: 1 }).permissions.permission, [...api.PERMISSIONS]);
    } finally {
      store.free();
    }
  }
  assertNoPollution();
  t.diagnostic(`${calls} calls`);
});

test("corpus: formatResponse with every value as the response, inside it, as format and command", (t) => {
  let calls = 0;
  for (const name of CORPUS_NAMES) {
    const v = () => CORPUS[name]();
    for (const f of [
      () => api.formatResponse(v(), "json"),
      () => api.formatResponse({ result: "success", x: v() }, "json"),
      () => api.formatResponse({ result: "success", x: [v(), { y: v() }] }, "xml", "GetUserPermissions"),
      () => api.formatResponse({ result: "error", message: "m" }, v()),
      () => api.formatResponse({ result: "error", message: "m" }, "xml", v()),
    ]) {
      const r = outcome(f);
      if ("value" in r) assert.equal(typeof r.value, "string");
      calls++;
    }
  }
  // Deep and cyclic responses are refused with a TypeError, at any depth.
  const cyclic = { result: "success" };
  cyclic.self = cyclic;
  let deep = { result: "success" };
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  for (const r of [cyclic, deep, { result: "success", list: [cyclic] }]) {
    for (const format of ["json", "xml"]) {
      assert.throws(() => api.formatResponse(r, format, "x"), (e) => e instanceof TypeError && /nested deeper than 64 levels/.test(e.message));
    }
  }
  assert.throws(() => api.formatResponse({ get result() { throw new Error("boom"); } }, "json"), { name: "TypeError", message: /boom/ });
  assert.throws(() => api.formatResponse({ result: 1n }, "json"), { name: "TypeError", message: /bigint/ });
  const holes = [];
  holes.length = 2 ** 32 - 1;
  assert.throws(() => api.formatResponse({ result: "success", holes }, "json"), { name: "TypeError", message: /more than 1000000 values/ });
  // Like JSON.stringify: undefined, functions and symbols are left out of objects, null in arrays.
  const odd = { result: "success", u: undefined, f() {}, s: Symbol("s"), list: [undefined, () => 1, 1] };
  assert.equal(api.formatResponse(odd, "json"), JSON.stringify(odd));
  assertNoPollution();
  t.diagnostic(`${calls} calls`);
});

test("property: random states (valid or with a hostile value anywhere) and params through every export", (t) => {
  let n = 0;
  fc.assert(
    fc.property(state, params, (ss, ps) => {
      const [s, p] = [makeState(ss), makeParams(ps)];
      const before = [snapshot(s), snapshot(p)];
      n += callAll(s, p);
      before.forEach(assertUnchanged);
      assertNoPollution();
    }),
    { numRuns: runs(300) },
  );
  t.diagnostic(`${runs(300)} cases, ${n} calls`);
});

test("property: localApi with any command, postData and state", (t) => {
  fc.assert(
    fc.property(command, params, state, (cs, ps, ss) => {
      const [c, p, s] = [makeCommand(cs), makeParams(ps), makeState(ss)];
      const before = [snapshot(s), snapshot(p)];
      const r = outcome(() => api.localApi(c, p, s));
      if ("value" in r) assertOutcome(r.value);
      before.forEach(assertUnchanged);
    }),
    { numRuns: runs(500) },
  );
  t.diagnostic(`${runs(500)} cases`);
});

test("property: formatResponse with any value inside a response", (t) => {
  fc.assert(
    fc.property(hostile, fc.constantFrom("json", "xml"), fc.option(fc.string()), (recipe, format, cmd) => {
      const v = realize(recipe);
      const r = outcome(() => api.formatResponse({ result: "success", v }, format, cmd ?? undefined));
      if ("value" in r && format === "json") {
        let expected;
        try {
          expected = JSON.stringify({ result: "success", v });
        } catch {
          return; // JSON.stringify refuses it too (a bigint)
        }
        // Equal to JSON.stringify for data JSON can carry (no toJSON; lone surrogates become U+FFFD).
        const plain = JSON.parse(expected);
        if (JSON.stringify(plain) === expected && !/\\ud[89a-f]/i.test(expected) && !hasToJson(v)) {
          assert.equal(r.value, expected);
        }
      }
    }),
    { numRuns: runs(500) },
  );
  t.diagnostic(`${runs(500)} cases`);
});

function hasToJson(v, seen = new Set()) {
  if (typeof v !== "object" || v === null || seen.has(v)) return false;
  seen.add(v);
  if (typeof v.toJSON === "function" || Object.getPrototypeOf(v) !== Object.prototype && !Array.isArray(v)) return true;
  return Object.values(v).some((x) => hasToJson(x, seen));
}

test("huge inputs: 10 MB strings, 100,000 segments, 1,000,000-element arrays, 100,000-deep nesting", (t) => {
  const s = good();
  const ten = "x".repeat(10 * 1024 * 1024);
  const cases = {
    "10 MB permissions string": () => api.updateUserPermissions(s, { user_id: 2, client_id: 1, permissions: ten }),
    "10 MB non-ASCII permissions string": () => api.updateUserPermissions(s, { user_id: 2, client_id: 1, permissions: "é".repeat(5 * 1024 * 1024) }),
    "10 MB email param": () => api.createClientInvite(s, { client_id: 1, email: `${ten}@example.com`, permissions: "profile" }),
    "10 MB command": () => api.localApi(ten, {}, s),
    "10 MB AddUser fields": () => api.addUser(s, { firstname: ten, lastname: ten, email: `${ten}@example.com`, password2: ten }),
    "10 MB UpdateUser email": () => api.updateUser(s, { user_id: 2, email: `a@${ten}.com` }),
    "10 MB GetUsers search": () => api.getUsers(s, { search: ten }),
    "10 MB ResetPassword email": () => api.resetPassword(s, { email: `${ten}@x.io` }),
    "10 MB names in the state": () => api.getUsers({ ...s, users: [{ id: 1, firstname: ten, lastname: ten }, ...s.users.slice(1)] }, { search: "x" }),
    "10 MB id string": () => api.getUserPermissions(s, { user_id: "1".repeat(10 * 1024 * 1024), client_id: 1 }),
    "10 MB email in the state": () => api.createClientInvite({ ...s, users: [{ id: 1, email: ten }, ...s.users.slice(1)] }, { client_id: 1, email: "n@example.com", permissions: "profile" }),
    "10 MB extra field": () => api.updateUserPermissions({ ...s, blob: ten }, { user_id: 2, client_id: 1, permissions: "orders" }),
    "100,000 comma segments": () => api.updateUserPermissions(s, { user_id: 2, client_id: 1, permissions: "profile,".repeat(100_000) }),
    "100,000 unknown segments": () => api.updateUserPermissions(s, { user_id: 2, client_id: 1, permissions: Array.from({ length: 100_000 }, (_, i) => `x${i}`).join(",") }),
    "100,000 segments in the state": () => api.getUserPermissions({ ...s, user_clients: [{ user_id: 2, client_id: 1, permissions: "invoices,".repeat(100_000) }] }, { user_id: 2, client_id: 1 }),
    "1,000,000-element permissions array": () => api.updateUserPermissions(s, { user_id: 2, client_id: 1, permissions: new Array(1_000_000).fill("tickets") }),
    "1,000,000-element array in the state": () => api.getUserPermissions({ ...s, user_clients: [{ user_id: 2, client_id: 1, permissions: new Array(1_000_000).fill("quotes") }] }, { user_id: 2, client_id: 1 }),
    "1,000,000-element extra array": () => api.deleteUserClient({ ...s, extra: new Array(1_000_000).fill({}) }, { user_id: 2, client_id: 1 }),
    "100,000-deep extra field": () => {
      let deep = {};
      for (let i = 0; i < 100_000; i++) deep = { a: deep };
      return api.updateUserPermissions({ ...s, extra: deep, users: [{ id: 1, meta: deep }, { id: 2 }] }, { user_id: 2, client_id: 1, permissions: "orders" });
    },
    "100,000-deep params field": () => {
      let deep = [];
      for (let i = 0; i < 100_000; i++) deep = [deep];
      return api.updateUserPermissions(s, { user_id: 2, client_id: 1, permissions: "orders", deep });
    },
  };
  for (const [name, f] of Object.entries(cases)) {
    const start = performance.now();
    const r = outcome(f);
    const ms = performance.now() - start;
    const what = "value" in r ? JSON.stringify(r.value.response ?? r.value).slice(0, 80) : `${r.error.name}: ${r.error.message.slice(0, 60)}`;
    t.diagnostic(`${name}: ${ms.toFixed(0)} ms, ${what}`);
    assert.ok(ms < 5000, `${name} took ${ms} ms`);
  }
  const big = api.updateUserPermissions(s, { user_id: 2, client_id: 1, permissions: "profile,".repeat(100_000) });
  assert.deepEqual(big.state.user_clients[0].permissions, ["profile"]);
  assert.deepEqual(big.changes, []);
  const unknown = api.updateUserPermissions(s, { user_id: 2, client_id: 1, permissions: `profile,${"y".repeat(1000)},z` });
  assert.equal(unknown.response.message, `Invalid permission: ${"y".repeat(64)}...`);
});

test("__proto__, constructor and prototype keys round-trip as plain data and pollute nothing", () => {
  const text = '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":{"polluted":true}}';
  const s = {
    ...JSON.parse(text),
    users: [{ id: 1, ...JSON.parse(text) }, { id: 2 }],
    clients: [{ id: 1, owner_user_id: 1, ...JSON.parse(text) }],
    user_clients: [{ user_id: 2, client_id: 1, permissions: [], ...JSON.parse(text) }],
    invites: [{ client_id: 1, permissions: [], ...JSON.parse(text) }],
  };
  const withProto = JSON.parse(`{"users":[{"id":1}],"clients":[],${text.slice(1)}`);
  const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  for (const state of [s, withProto]) {
    const out = api.updateUserPermissions(state, { ...JSON.parse(text), user_id: 2, client_id: 1, permissions: "orders" }).state;
    const pairs = [[state, out], ...["users", "clients", "user_clients", "invites"].map((k) => [state[k]?.[0], out[k][0]])];
    for (const [input, obj] of pairs.filter(([i]) => i)) {
      assert.equal(Object.getPrototypeOf(obj), Object.prototype);
      for (const key of ["__proto__", "constructor", "prototype"]) {
        assert.equal(own(obj, key), own(input, key), key);
        if (own(input, key)) assert.equal(Object.getOwnPropertyDescriptor(obj, key).value, Object.getOwnPropertyDescriptor(input, key).value);
      }
      assert.equal(obj.polluted, undefined);
    }
    const store = api.PermissionStore.fromState(state);
    const back = store.toState();
    store.free();
    assert.deepEqual(Object.getOwnPropertyDescriptor(back, "__proto__")?.value, { polluted: true });
    const formatted = api.formatResponse({ result: "success", ...JSON.parse(text) }, "json");
    assert.equal(formatted, `{"result":"success",${text.slice(1)}`);
  }
  assertNoPollution();
});

test("frozen, sealed and null-prototype inputs work as plain ones", () => {
  const s = validState;
  fc.assert(
    fc.property(s, (st) => {
      const frozen = structuredClone(st);
      const plain = structuredClone(st);
      const deepFreeze = (o) => {
        if (typeof o === "object" && o !== null) {
          Object.values(o).forEach(deepFreeze);
          Object.freeze(o);
        }
        return o;
      };
      deepFreeze(frozen);
      const p = Object.freeze({ user_id: st.users.at(-1).id, client_id: st.clients[0].id, permissions: Object.freeze(["orders"]) });
      assert.deepEqual(api.updateUserPermissions(frozen, p), api.updateUserPermissions(plain, p));
      const nullProto = Object.assign(Object.create(null), structuredClone(st));
      assert.deepEqual(api.localApi("GetUserPermissions", p, nullProto).response, api.localApi("GetUserPermissions", p, plain).response);
    }),
    { numRuns: runs(100) },
  );
});
