// Child of bench.mjs: the linear cases timed at 1x and 10x their input
// (10 MB vs 1 MB strings, 1,000,000 vs 100,000 segments or elements,
// 200,000 vs 20,000 links). `npm test` asserts the same cases by counting
// instructions (tests/work/run.mjs); these are their timings. Prints JSON.
import * as api from "whmcs-permissions";

const scale = Number(process.argv[2] ?? 1);
const MB = Math.max(1024, Math.round(1024 * 1024 * scale));
const K = (n) => Math.max(10, Math.round(n * scale));

/** Best time of `runs` calls of `f()` (after one warm-up call), in ns. */
function best(f, runs) {
  f();
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    f();
    min = Math.min(min, Number(process.hrtime.bigint() - t));
  }
  return min;
}

const base = () => ({
  users: [{ id: 1, email: "owner@example.com" }, { id: 2, email: "staff@example.com" }],
  clients: [{ id: 1, owner_user_id: 1 }],
  user_clients: [{ user_id: 2, client_id: 1, permissions: ["profile"] }],
});
const sized = (unit, bytes) => unit.repeat(Math.ceil(bytes / unit.length));
const bigEmail = (s) => ({ ...base(), users: [{ id: 1, email: sized("Owner.", s * MB) }, { id: 2, email: "staff@example.com" }] });

function oneUserLinks(n) {
  const clients = [];
  const user_clients = [];
  for (let c = 1; c <= n; c++) {
    clients.push({ id: c, owner_user_id: 1 });
    user_clients.push({ user_id: 2, client_id: c, permissions: ["profile", "invoices"] });
  }
  return { users: [{ id: 1 }, { id: 2 }], clients, user_clients };
}

function oneClientLinks(n) {
  const users = [{ id: 1 }];
  const user_clients = [];
  for (let u = 2; u <= n + 1; u++) {
    users.push({ id: u });
    user_clients.push({ user_id: u, client_id: 1, permissions: "profile,tickets" });
  }
  return { users, clients: [{ id: 1, owner_user_id: 1 }], user_clients };
}

const update = (p) => api.updateUserPermissions(base(), { user_id: 2, client_id: 1, permissions: p });
const CASES = [
  ["permissions param string, 1 MB vs 10 MB (known names)", (s) => sized("profile,invoices,orders,", s * MB), update],
  ["permissions param string, 1 MB vs 10 MB (unknown names, non-ASCII)", (s) => sized("prófile,x,", s * MB), update],
  ["duplicate segments, 100,000 vs 1,000,000", (s) => "profile,".repeat(s * K(100_000)), update],
  ["permissions param array, 100,000 vs 1,000,000 elements", (s) => new Array(s * K(100_000)).fill("tickets,quotes"), update],
  ["a user's email in the state, 1 MB vs 10 MB: CreateClientInvite", bigEmail,
    (st) => api.createClientInvite(st, { client_id: 1, email: "new@example.com", permissions: "profile" })],
  ["a user's email in the state, 1 MB vs 10 MB: AddUser", bigEmail, (st) => api.addUser(st, { firstname: "A", lastname: "B", email: "new@example.com", password2: "x" })],
  ["a user's email in the state, 1 MB vs 10 MB: UpdateUser", bigEmail, (st) => api.updateUser(st, { user_id: 2, email: "new@example.com" })],
  ["a user's email in the state, 1 MB vs 10 MB: ResetPassword by email", bigEmail, (st) => api.resetPassword(st, { email: "staff@example.com" })],
  ["a user's email in the state, 1 MB vs 10 MB: GetUsers search", bigEmail, (st) => api.getUsers(st, { search: "owner" })],
  ["a link's permissions string in the state, 1 MB vs 10 MB",
    (s) => ({ ...base(), user_clients: [{ user_id: 2, client_id: 1, permissions: sized("profile, orders,", s * MB) }] }),
    (st) => api.getUserPermissions(st, { user_id: 2, client_id: 1 })],
  ["20,000 vs 200,000 links of one user (functional UpdateUserPermissions)", (s) => oneUserLinks(s * K(20_000)),
    (st) => api.updateUserPermissions(st, { user_id: 2, client_id: 7, permissions: "orders" }), 3],
  ["20,000 vs 200,000 users of one client (PermissionStore.fromState)", (s) => oneClientLinks(s * K(20_000)),
    (st) => api.PermissionStore.fromState(st).free(), 3],
];

const rows = [];
for (const [name, make, run, runs = 9] of CASES) {
  const small = make(1);
  const large = make(10);
  const a = best(() => run(small), runs);
  const b = best(() => run(large), Math.max(3, Math.ceil(runs / 2)));
  rows.push({ name, a, b });
}
console.log(JSON.stringify(rows));
