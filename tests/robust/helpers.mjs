// Shared by the robustness suites: case counts, the hostile-value corpus,
// arbitraries for states and params, and the checks every outcome must pass.
import assert from "node:assert/strict";
import { types } from "node:util";
import fc from "fast-check";
import * as api from "whmcs-permissions";

/**
 * Case counts scale with FUZZ_RUNS (default 300, as tests/js/store.test.mjs
 * reads it): `runs(n)` is n at the default, 10n at FUZZ_RUNS=3000.
 */
export const SCALE = Number(process.env.FUZZ_RUNS ?? 300) / 300;
export const runs = (n) => Math.max(1, Math.round(n * SCALE));

/** Every message a WHMCS response may carry (src/response.rs). */
export const MESSAGES = new Set([
  "Invalid user id",
  "Invalid client id",
  "Permissions cannot be set on a client owner",
  "Missing permissions definition",
  "User is not associated with client",
  "You cannot remove the account owner",
  "Email is required",
  "The email address entered is not valid",
  "User permissions are required",
  "User already associated with client",
  "Command Not Found",
  "Authentication Failed",
  "You did not enter a first name",
  "You did not enter a last name",
  "You did not enter an email address",
  "You did not enter a password",
  "A user already exists with that email address",
  "User ID limit reached",
  "Invalid User ID requested",
  "One of `email`, `firstname`, `lastname`, or `language` is required",
  "Please enter the email address or provide the id",
  "User Not Found",
  "Please provide a valid email address",
]);

/** A documented response: success, or an error with a known message. */
export function assertResponse(r) {
  assert.equal(typeof r, "object");
  assert.notEqual(r, null);
  if (r.result === "success") return;
  assert.equal(r.result, "error", JSON.stringify(r));
  assert.deepEqual(Object.keys(r), ["result", "message"]);
  assert.ok(MESSAGES.has(r.message) || r.message.startsWith("Invalid permission: "), r.message);
}

// What must never reach a caller: a trap, a stack overflow, wasm-bindgen's
// own messages, or a message that is not ours.
const INTERNAL = /unreachable|recursive use of an object|null pointer passed to rust|attempted to take ownership|memory access out of bounds|Maximum call stack|internal error/i;

/**
 * Runs `f` and classifies what happened: `{ value }` or `{ error }` where the
 * error is a StateError (message starting with its path) or a TypeError with
 * a clear message. Anything else fails the test.
 */
export function outcome(f) {
  try {
    return { value: f() };
  } catch (error) {
    assert.ok(!(error instanceof WebAssembly.RuntimeError), `WebAssembly trap: ${error?.message}`);
    assert.ok(!(error instanceof RangeError), `RangeError: ${error?.message}`);
    if (error instanceof api.StateError) {
      assert.ok(error.path.startsWith("state"), error.path);
      assert.ok(error.message.startsWith(`${error.path}: `), error.message);
    } else {
      assert.ok(error instanceof TypeError, `${error?.constructor?.name}: ${error?.message}`);
    }
    assert.equal(typeof error.message, "string");
    assert.ok(error.message.length > 0);
    assert.doesNotMatch(error.message, INTERNAL);
    return { error };
  }
}

/** An Outcome of a writing command: response, a new state, changes. */
export function assertOutcome(out) {
  assertResponse(out.response);
  assert.ok(Array.isArray(out.changes));
  assert.equal(typeof out.state, "object");
  if (out.response.result === "error") assert.deepEqual(out.changes, []);
}

/** Nothing may ever land on Object.prototype (or Array.prototype). */
export function assertNoPollution() {
  for (const proto of [Object.prototype, Array.prototype]) {
    for (const key of ["polluted", "admin", "isAdmin", "x", "id", "permissions", "owner_user_id", "result"]) {
      assert.ok(!Object.prototype.hasOwnProperty.call(proto, key), `prototype polluted with ${key}`);
    }
  }
  assert.equal({}.polluted, undefined);
}

// ---------------------------------------------------------------------------
// The corpus: one factory per hostile value (fresh each call).

const TRAPS = ["get", "has", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf", "defineProperty", "set",
  "deleteProperty", "isExtensible", "preventExtensions", "apply", "construct", "setPrototypeOf"];
const throwingHandler = () => Object.fromEntries(TRAPS.map((t) => [t, () => { throw new Error(`trap ${t}`); }]));
const revoked = (target) => {
  const r = Proxy.revocable(target, {});
  r.revoke();
  return r.proxy;
};
const sparse = (n, fill) => {
  const a = [];
  a.length = n;
  if (fill !== undefined) a[n - 1] = fill;
  return a;
};
const throwingGetter = (key, what = new Error("getter threw")) =>
  Object.defineProperty({}, key, { get() { throw what; }, enumerable: true });
class Account {
  constructor() {
    this.id = 1;
  }
}

export const CORPUS = {
  undefined: () => undefined,
  null: () => null,
  true: () => true,
  false: () => false,
  zero: () => 0,
  negZero: () => -0,
  one: () => 1,
  minusOne: () => -1,
  fraction: () => 1.5,
  nan: () => NaN,
  infinity: () => Infinity,
  negInfinity: () => -Infinity,
  maxSafe: () => Number.MAX_SAFE_INTEGER,
  beyondSafe: () => 2 ** 53,
  huge: () => 1e308,
  tiny: () => Number.MIN_VALUE,
  bigint: () => 10n,
  negBigint: () => -(2n ** 80n),
  empty: () => "",
  space: () => " ",
  digits: () => " 0001 ",
  exp: () => "1e3",
  hex: () => "0x1",
  arabicDigit: () => "\u0661",
  nbsp: () => "\u00a01",
  nul: () => "\u0000",
  loneHigh: () => "\ud800",
  loneLow: () => "a\udfffb",
  emoji: () => "👩‍💻,profile",
  rtl: () => "\u202eprofile",
  permission: () => "profile",
  list: () => "profile, invoices ,,orders",
  unknownName: () => "Profile",
  longName: () => "x".repeat(100),
  commas: () => ",,,",
  email: () => "new@example.com",
  badEmail: () => "a@b",
  symbol: () => Symbol("s"),
  fn: () => () => 1,
  klass: () => class {},
  emptyArray: () => [],
  arrayOfNumber: () => [1],
  arrayOfName: () => ["profile"],
  nestedArray: () => [["profile"]],
  holey: () => [, "profile"],
  sparseHuge: () => sparse(2 ** 32 - 1),
  sparseTail: () => sparse(1000, "profile"),
  emptyObject: () => ({}),
  record: () => ({ id: 1 }),
  nullProto: () => Object.assign(Object.create(null), { id: 1 }),
  date: () => new Date(0),
  map: () => new Map([["id", 1]]),
  set: () => new Set([1]),
  regexp: () => /profile/,
  typed: () => new Uint8Array(4),
  error: () => new Error("e"),
  promise: () => Promise.resolve(1),
  weakMap: () => new WeakMap(),
  boxedString: () => new String("profile"),
  boxedNumber: () => new Number(1),
  instance: () => new Account(),
  frozen: () => Object.freeze({ id: 1 }),
  protoKey: () => JSON.parse('{"__proto__": {"polluted": true}, "id": 1}'),
  constructorKey: () => JSON.parse('{"constructor": {"prototype": {"polluted": true}}, "prototype": {"polluted": true}}'),
  getterThrows: () => throwingGetter("id"),
  getterThrowsString: () => throwingGetter("id", "not an Error"),
  getterThrowsSymbol: () => throwingGetter("permissions", Symbol("thrown")),
  lengthThrows: () => new Proxy(["profile"], { get: (t, k) => { if (k === "length") throw new Error("length"); return t[k]; } }),
  proxy: () => new Proxy({ id: 1 }, {}),
  proxyArray: () => new Proxy(["profile"], {}),
  proxyThrows: () => new Proxy({}, throwingHandler()),
  proxyArrayThrows: () => new Proxy([], throwingHandler()),
  revokedObject: () => revoked({}),
  revokedArray: () => revoked([]),
  lyingLength: () => new Proxy([], { get: (t, k) => (k === "length" ? 5 : undefined) }),
  cyclic: () => {
    const o = { id: 1 };
    o.self = o;
    return o;
  },
  deep: () => {
    let o = {};
    for (let i = 0; i < 2000; i++) o = { a: o };
    return o;
  },
};

export const CORPUS_NAMES = Object.keys(CORPUS);

/**
 * A hostile value, as a recipe: fast-check never holds the value itself
 * (it would run proxy traps and getters when it inspects or prints it);
 * `realize` makes it inside the property.
 */
export const hostile = fc.oneof(
  fc.constantFrom(...CORPUS_NAMES).map((name) => ({ name })),
  fc.anything({
    withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true,
    withObjectString: true, withSparseArray: true, withTypedArray: true, stringUnit: "binary", maxDepth: 3,
  }).map((value) => ({ value })),
);
export const realize = (recipe) => ("name" in recipe ? CORPUS[recipe.name]() : recipe.value);

// ---------------------------------------------------------------------------
// Valid states and params, and places to put a hostile value in them.

export const PERMS = [...api.PERMISSIONS];

/** A valid state over a small world, so calls hit owners, links and clashes. */
export const validState = fc
  .record({
    users: fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 6 }),
    clients: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
    owners: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 5, maxLength: 5 }),
    links: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.subarray(PERMS), fc.boolean()), { maxLength: 10 }),
    invites: fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.subarray(PERMS)), { maxLength: 3 }),
  })
  .map(({ users, clients, owners, links, invites }) => {
    const seen = new Set();
    const user_clients = [];
    for (const [u, c, perms, asString] of links) {
      const user_id = users[u % users.length];
      const client_id = clients[c % clients.length];
      if (seen.has(`${user_id}/${client_id}`)) continue;
      seen.add(`${user_id}/${client_id}`);
      user_clients.push({ user_id, client_id, permissions: asString ? perms.join(",") : perms, note: { n: user_clients.length } });
    }
    return {
      users: users.map((id) => ({ id, email: `u${id}@example.com`, firstname: `F${id}`, lastname: "Lee", language: "english", datecreated: "2024-01-01", meta: { id } })),
      clients: clients.map((id, i) => ({ id, owner_user_id: owners[i % owners.length], company: `c${id}` })),
      user_clients,
      invites: invites.map(([client_id, permissions]) => ({ client_id, email: `i${client_id}@example.com`, permissions })),
      extra: { kept: true },
    };
  });

const idParam = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }).map(String));
const permsParam = fc.oneof(
  fc.subarray(PERMS).map((a) => a.join(",")),
  fc.subarray(PERMS),
  fc.constantFrom("", "nope", "profile,Nope", " profile ,, orders"),
);
const emailParam = fc.oneof(fc.integer({ min: 1, max: 9 }).map((i) => `U${i}@Example.com`), fc.constant("new@example.com"));
const textParam = fc.oneof(fc.constantFrom("Ana", " Ana ", "", "  ", "F1", "lee", "DESC", "u1@"), fc.string({ maxLength: 6 }));
const countParam = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom("0", " 2 ", "9007199254740991", "-1", "x"));
/** Where a hostile value may go in params (shared by the corpus tests). */
export const PARAM_SLOTS = [
  [], ["user_id"], ["client_id"], ["permissions"], ["permissions", 0], ["email"], ["extra"],
  ["id"], ["firstname"], ["lastname"], ["password2"], ["language"], ["search"], ["limitstart"], ["limitnum"], ["sorting"],
];

/** Params for any command, maybe with a hostile value somewhere: a recipe for `makeParams`. */
export const params = fc.record({
  base: fc.record(
    {
      user_id: idParam, client_id: idParam, permissions: permsParam, email: emailParam, id: idParam,
      firstname: textParam, lastname: textParam, password2: textParam, language: textParam,
      search: textParam, limitstart: countParam, limitnum: countParam, sorting: textParam,
    },
    { requiredKeys: [] },
  ),
  slot: fc.option(fc.tuple(fc.constantFrom(...PARAM_SLOTS), hostile), { freq: 2 }),
});
export const makeParams = ({ base, slot }) => (slot === null ? structuredClone(base) : put(structuredClone(base), slot[0], realize(slot[1])));

export const COMMANDS = [
  "UpdateUserPermissions", "DeleteUserClient", "CreateClientInvite", "GetUserPermissions", "GetPermissionsList",
  "AddUser", "UpdateUser", "GetUsers", "ResetPassword",
];
/** A command name, or a hostile value (a recipe for `makeCommand`). */
export const command = fc.oneof(fc.constantFrom(...COMMANDS, "updateuserpermissions", "Nope", "").map((value) => ({ value })), hostile);
export const makeCommand = realize;

/** Paths into a state where a hostile value may go. */
export const STATE_SLOTS = [
  [], ["users"], ["clients"], ["user_clients"], ["invites"], ["extra"],
  ["users", 0], ["users", 0, "id"], ["users", 0, "email"], ["users", 0, "meta"],
  ["users", 0, "firstname"], ["users", 0, "lastname"], ["users", 0, "language"], ["users", 0, "datecreated"], ["users", 0, "validationdata"],
  ["clients", 0], ["clients", 0, "id"], ["clients", 0, "owner_user_id"], ["clients", 0, "company"],
  ["user_clients", 0], ["user_clients", 0, "user_id"], ["user_clients", 0, "client_id"],
  ["user_clients", 0, "permissions"], ["user_clients", 0, "permissions", 0], ["user_clients", 0, "note"],
  ["invites", 0], ["invites", 0, "client_id"], ["invites", 0, "email"], ["invites", 0, "permissions"],
];

/** A copy of `state` with `value` at `path` (path [] replaces the state). */
export function put(state, path, value) {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy = Array.isArray(state) ? [...state] : { ...state };
  const inner = copy[head] ?? (typeof rest[0] === "number" ? [] : {});
  copy[head] = put(typeof inner === "object" ? inner : {}, rest, value);
  return copy;
}

/** A state, valid or with one hostile value somewhere in it: a recipe for `makeState`. */
export const state = fc.record({
  base: validState,
  slot: fc.option(fc.tuple(fc.constantFrom(...STATE_SLOTS), hostile), { freq: 3 }),
});
export const makeState = ({ base, slot }) => (slot === null ? structuredClone(base) : put(structuredClone(base), slot[0], realize(slot[1])));

// ---------------------------------------------------------------------------
// No mutation: a snapshot of every own property descriptor reachable from a
// value (by identity), compared after the call. Proxies are leaves (reading
// them would run their traps).

export function snapshot(root) {
  const seen = new Map();
  const walk = (v) => {
    if ((typeof v !== "object" && typeof v !== "function") || v === null || seen.has(v) || types.isProxy(v)) return;
    const entry = { proto: Object.getPrototypeOf(v), extensible: Object.isExtensible(v), props: [] };
    seen.set(v, entry);
    for (const key of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key);
      entry.props.push([key, d]);
      if ("value" in d) walk(d.value);
    }
  };
  walk(root);
  return seen;
}

export function assertUnchanged(before) {
  for (const [object, entry] of before) {
    assert.equal(Object.getPrototypeOf(object), entry.proto, "prototype changed");
    assert.equal(Object.isExtensible(object), entry.extensible);
    const keys = Reflect.ownKeys(object);
    assert.deepEqual(keys, entry.props.map(([k]) => k), "keys changed");
    for (const [key, d] of entry.props) {
      const now = Object.getOwnPropertyDescriptor(object, key);
      for (const field of ["value", "get", "set", "writable", "enumerable", "configurable"]) {
        assert.ok(Object.is(now[field], d[field]), `${String(key)}.${field} changed`);
      }
    }
  }
}

/** Object.freeze, all the way down (proxies and typed arrays left as they are). */
export function deepFreeze(v, seen = new Set()) {
  if ((typeof v !== "object" && typeof v !== "function") || v === null || seen.has(v) || types.isProxy(v)) return v;
  seen.add(v);
  if (ArrayBuffer.isView(v)) return v;
  for (const key of Reflect.ownKeys(v)) {
    const d = Object.getOwnPropertyDescriptor(v, key);
    if ("value" in d) deepFreeze(d.value, seen);
  }
  return Object.freeze(v);
}

export { api, fc, assert };
