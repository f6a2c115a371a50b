// Child of bench.mjs: the per-call cost of every store method on a store of
// `small` links vs one of `big` links (tests/shared/world.js: links / 5
// users, links / 25 clients), for the WebAssembly store and the plain-JS
// baseline, and the WASM memory the big store takes. Prints JSON.
//
// The calls are those of the read-count test (storeCalls: successes and
// errors mixed). Reading calls cycle through 4,096 argument lists; writing
// calls take fresh ones (new emails and names) so every call does the same
// kind of work; deleteUserClient removes 900 distinct links, once. Reading
// calls run first, then the writing ones, on the same two stores.
import * as api from "whmcs-permissions";
import { JsStore } from "./baseline.mjs";
import { measure as measureScaled } from "./common.mjs";
import { spread, storeCalls, world } from "../tests/shared/world.js";

const [small, big, scale] = process.argv.slice(2).map(Number);

const measure = (n, f) => measureScaled(n, f, scale);

/** Calls per round, by method (6 rounds per measurement: warm-up + 5). */
const N = {
  hasPermission: 1e6, updateUserPermissions: 2e5, getUserPermissions: 1e5, getPermissionsList: 5e4, resetPassword: 5e4,
  localApi: 5e4, getUsers: 1e3, applyBatch: 5e3, createClientInvite: 1e3, addUser: 1e3, updateUser: 1e3,
};
/** Methods whose calls need fresh arguments (what they set must differ from what is there). */
const FRESH = new Set(["createClientInvite", "addUser", "updateUser"]);

function build(links) {
  const w = world(links);
  const t = process.hrtime.bigint();
  const store = api.PermissionStore.fromState(w.state);
  const fromStateNs = Number(process.hrtime.bigint() - t);
  return { w, store, js: new JsStore(w.state), fromStateNs, cycled: storeCalls(w, 4096), fresh: new Map() };
}

/**
 * Fresh argument lists for one method: `count` of them, 100 per tag (the
 * small world has 200 users: a tag renames every other user, and the ones
 * whose email UpdateUser's error calls take stay as they are).
 */
function freshArgs(x, label, count) {
  let list = x.fresh.get(label);
  if (list === undefined) x.fresh.set(label, (list = { next: 0, args: [], tag: 1 }));
  while (list.args.length < list.next + count) {
    const calls = storeCalls(x.w, 100, list.tag++).find(([l]) => l === label)[2];
    list.args.push(...calls);
  }
  return list;
}

/** Median ns per call of `method` with these arguments on `target` (the store or the baseline). */
function timeCalls(x, target, label, method, args) {
  const n = N[method];
  if (FRESH.has(method)) {
    const rounds = Math.max(10, Math.round(n * scale));
    const list = freshArgs(x, label, Math.min(rounds, 20_000) + 5 * rounds);
    return measure(n, () => target[method](...list.args[list.next++]));
  }
  return measure(n, (i) => target[method](...args[i & 4095]));
}

// The big store first, so the memory figure is what holding it takes; then
// both are measured in alternation (best of three) so JIT warm-up favours
// neither, wasm and baseline alike.
const b = build(big);
const memoryBytes = api.wasmMemoryBytes();
const s = build(small);
const rows = [];
for (let k = 0; k < s.cycled.length; k++) {
  const [label, method] = s.cycled[k];
  const row = { label };
  if (method === "deleteUserClient") {
    // Each call removes a link for good: 900 distinct links per store, timed once.
    const n = Math.max(10, Math.round(150 * scale));
    for (const [key, x, target] of [["wasmSmall", s, s.store], ["wasmBig", b, b.store], ["jsSmall", s, s.js], ["jsBig", b, b.js]]) {
      const links = spread(x.w, 6 * n).map(([user_id, client_id]) => ({ user_id, client_id }));
      let next = 0;
      row[key] = measureScaled(n, () => target.deleteUserClient(links[next++]), 1);
    }
  } else {
    // Best of three (one in the smoke run, where figures mean nothing).
    const best = (x, target) => Math.min(...[0, 1, 2].slice(0, scale < 1 ? 1 : 3).map(() => timeCalls(x, target, label, method, x.cycled[k][2])));
    row.wasmSmall = best(s, s.store);
    row.wasmBig = best(b, b.store);
    row.jsSmall = best(s, s.js);
    row.jsBig = best(b, b.js);
  }
  rows.push(row);
}
console.log(JSON.stringify({
  small: s.w.links.length, smallUsers: s.w.users, big: b.w.links.length, bigUsers: b.w.users,
  rows, memoryBytes, fromStateBigNs: b.fromStateNs,
}));
