// Runs conformance vectors (tests/vectors/*.json) against an API object
// (the package as loaded by one runtime). Pure: no I/O, so the same file
// runs in Node, Deno, Bun and browsers.

const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

function isRef(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v.$ref === "string";
}

/** Resolves `{"$ref": name}` against the file's named states (a fresh copy each time). */
export function resolve(file, v) {
  if (!isRef(v)) return clone(v);
  const named = file.states?.[v.$ref];
  if (named === undefined) throw new Error(`unknown state $ref ${v.$ref}`);
  return clone(named);
}

function invoke(api, file, c) {
  const state = resolve(file, c.state);
  const params = clone(c.params);
  const before = JSON.stringify([state, params, c.postData, c.args]);
  let result;
  switch (c.call) {
    case "updateUserPermissions":
    case "deleteUserClient":
    case "createClientInvite":
    case "getUserPermissions":
    case "addUser":
    case "updateUser":
    case "resetPassword":
    case "getUsers":
      result = api[c.call](state, params);
      break;
    case "getPermissionsList":
      result = api.getPermissionsList();
      break;
    case "localApi":
      result = api.localApi(clone(c.command), clone(c.postData), state);
      break;
    case "hasPermission":
      result = api.hasPermission(state, ...clone(c.args));
      break;
    case "formatResponse":
      result = api.formatResponse(...clone(c.args));
      break;
    default:
      throw new Error(`unknown call ${c.call}`);
  }
  const after = JSON.stringify([state, params, c.postData, c.args]);
  if (before !== after) throw new Error("the call mutated its input");
  return result;
}

function expected(file, c) {
  const e = c.expect;
  if ("value" in e) return JSON.stringify(e.value);
  if ("state" in e) return JSON.stringify({ response: e.response, state: resolve(file, e.state), changes: e.changes });
  return JSON.stringify(e.response);
}

/**
 * Runs one case; returns `null` when it agrees, else what differs. With
 * `anyThrow`, a case that expects a throw accepts a StateError or TypeError.
 */
export function runCase(api, file, c, { anyThrow = false } = {}) {
  const e = c.expect;
  let result;
  try {
    result = invoke(api, file, c);
  } catch (error) {
    if (!e.throws) return `threw ${error?.name}: ${error?.message}`;
    if (anyThrow && (error instanceof api.StateError || error instanceof TypeError)) return null;
    const cls = e.throws === "StateError" ? api.StateError : TypeError;
    if (!(error instanceof cls) || error.name !== e.throws) return `threw ${error?.name}: ${error?.message}, expected ${e.throws}`;
    if (e.path !== undefined) {
      if (error.path !== e.path) return `StateError path ${error.path}, expected ${e.path}`;
      if (!error.message.startsWith(`${e.path}: `)) return `StateError message "${error.message}" does not start with "${e.path}: "`;
    }
    return null;
  }
  if (e.throws) return `returned ${JSON.stringify(result)}, expected a ${e.throws}`;
  let actual;
  if ("value" in e) actual = JSON.stringify(result);
  else if ("state" in e) actual = JSON.stringify({ response: result.response, state: result.state, changes: result.changes });
  else actual = JSON.stringify(result);
  const want = expected(file, c);
  return actual === want ? null : `got      ${actual}\nexpected ${want}`;
}

/** Runs every case of every file: `{ total, failures: [{file, name, why}] }`. */
export function runAll(api, files, options) {
  let total = 0;
  const failures = [];
  for (const [fileName, file] of Object.entries(files)) {
    for (const c of file.cases) {
      total++;
      const why = runCase(api, file, c, options);
      if (why) failures.push({ file: fileName, name: c.name, why });
    }
  }
  return { total, failures };
}

/**
 * The functional API's signatures, answered by a `PermissionStore`: each call
 * builds a store from the state, runs the call on it and reads the state back
 * with `toState()`. A store and the functional API must agree on every vector.
 * (A store validates its state in `fromState`, before it sees the call's
 * arguments, so when both are bad the store throws `StateError` where
 * `localApi` would throw `TypeError`; `runAll(..., { anyThrow: true })`.)
 */
export function viaStore(api) {
  const withStore = (state, f) => {
    const store = api.PermissionStore.fromState(state);
    try {
      return f(store);
    } finally {
      store.free();
    }
  };
  const outcome = (state, f) =>
    withStore(state, (store) => {
      const { response, changes } = f(store);
      return { response, state: store.toState(), changes };
    });
  return {
    StateError: api.StateError,
    updateUserPermissions: (state, params) => outcome(state, (s) => s.updateUserPermissions(params)),
    deleteUserClient: (state, params) => outcome(state, (s) => s.deleteUserClient(params)),
    createClientInvite: (state, params) => outcome(state, (s) => s.createClientInvite(params)),
    getUserPermissions: (state, params) => withStore(state, (s) => s.getUserPermissions(params)),
    addUser: (state, params) => outcome(state, (s) => s.addUser(params)),
    updateUser: (state, params) => outcome(state, (s) => s.updateUser(params)),
    resetPassword: (state, params) => outcome(state, (s) => s.resetPassword(params)),
    getUsers: (state, params) => withStore(state, (s) => s.getUsers(params)),
    getPermissionsList: () => api.getPermissionsList(),
    localApi: (command, postData, state) => outcome(state, (s) => s.localApi(command, postData)),
    hasPermission: (state, userId, clientId, permission) => withStore(state, (s) => s.hasPermission(userId, clientId, permission)),
    formatResponse: (...args) => api.formatResponse(...args),
  };
}
