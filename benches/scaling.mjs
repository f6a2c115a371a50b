// Child of bench.mjs: per-call cost on a store of `small` links vs one of
// `big` links, and the WASM memory the big store takes. Prints JSON.
import * as api from "whmcs-permissions";
import { JsStore } from "./baseline.mjs";
import { makeState, measure as measureScaled } from "./common.mjs";

const [small, big, scale] = process.argv.slice(2).map(Number);

const measure = (n, f) => measureScaled(n, f, scale);

function build(links) {
  const users = Math.max(50, Math.ceil(Math.sqrt(links * 2)));
  const clients = Math.max(50, Math.ceil((links * 1.5) / users) + 1);
  const state = makeState(users, clients, links);
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const q = Array.from({ length: 4096 }, () => state.user_clients[Math.floor(rand() * state.user_clients.length)]);
  const t = process.hrtime.bigint();
  const store = api.PermissionStore.fromState(state);
  const fromStateNs = Number(process.hrtime.bigint() - t);
  return { links: state.user_clients.length, store, js: new JsStore(state), q, fromStateNs };
}

const has = ({ store, q }) => measure(1e6, (i) => { const l = q[i & 4095]; return store.hasPermission(l.user_id, l.client_id, i & 1 ? "profile" : "orders"); });
const upd = ({ store, q }) => measure(2e5, (i) => { const l = q[i & 4095]; return store.updateUserPermissions({ user_id: l.user_id, client_id: l.client_id, permissions: i & 1 ? "profile" : "orders,invoices" }); });

// The big store first, so the memory figure is what holding it takes; then
// both are measured in alternation (best of three) so JIT warm-up favours neither.
const b = build(big);
const memoryBytes = api.wasmMemoryBytes();
const s = build(small);
const best = (f, x) => Math.min(f(x), f(x), f(x));
const hasSmall = best(has, s), hasBig = best(has, b), updSmall = best(upd, s), updBig = best(upd, b);
// The same measurements on the plain-JS baseline, for context: a Map of a
// million entries also leaves the CPU caches.
const js = (x) => ({ store: x.js, q: x.q });
const jsHasSmall = best(has, js(s)), jsHasBig = best(has, js(b)), jsUpdSmall = best(upd, js(s)), jsUpdBig = best(upd, js(b));
console.log(JSON.stringify({ small: s.links, big: b.links, hasSmall, hasBig, updSmall, updBig, jsHasSmall, jsHasBig, jsUpdSmall, jsUpdBig, memoryBytes, fromStateBigNs: b.fromStateNs }));
