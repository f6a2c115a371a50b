#!/usr/bin/env node
// `npm run bench`: speed and size of whmcs-permissions, as ratios against a
// plain-JavaScript baseline measured in the same run (benches/baseline.mjs).
// `--smoke` runs every measurement with tiny sizes (CI checks it runs); `--endpoint`
// runs only the HTTP endpoint and import part (benches/server.mjs); `--write` saves BENCHMARKS.md.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import * as api from "whmcs-permissions";
import { JsStore, jsUpdateUserPermissions } from "./baseline.mjs";
import { makeState, measure as measureScaled } from "./common.mjs";
import { rows as startRows, sizeAndStart } from "./start.mjs";

const smoke = process.argv.includes("--smoke");
// --endpoint: only the HTTP endpoint part (benches/server.mjs); with --write it replaces
// only that section of BENCHMARKS.md. --cached: reuse the large databases of an earlier run.
const endpointOnly = process.argv.includes("--endpoint");
const cached = process.argv.includes("--cached");
const write = process.argv.includes("--write") && !smoke;
const ENDPOINT_START = "<!-- endpoint: benches/server.mjs -->";
const ENDPOINT_END = "<!-- /endpoint -->";

/** The endpoint section of BENCHMARKS.md (servers, databases, imports: benches/server.mjs). */
async function endpointSection() {
  const { endpointBench, endpointReport } = await import("./server.mjs");
  const result = await endpointBench({ smoke, cached });
  const text = [
    ENDPOINT_START,
    "## The HTTP endpoint (`POST /includes/api.php`) and the import",
    "",
    `Measured by \`npm run bench\` (benches/server.mjs, also alone: \`node benches/bench.mjs --endpoint [--write]\`) on ${new Date().toISOString().slice(0, 10)}.`,
    "Every configuration runs in the same process tree and the same run, in interleaved rounds (every other one in reverse order), measured by one client",
    "(benches/load.mjs: keep-alive `http.Agent`, each connection sending its next request when the previous answer is in). The bare Node server",
    "(benches/bare-server.mjs: reads the body, answers `{\"result\":\"success\"}` with the same headers) is measured by the same client in every round:",
    "its requests/s is the limit of this machine for this client, and \"cost per request vs bare Node\" is its requests/s over the row's.",
    "Server processes log every call to a file (as in production); MariaDB is a throwaway `mariadbd` (scripts/mariadb-start.sh: default settings,",
    "`innodb_flush_log_at_trx_commit = 1`, but a 1 GiB buffer pool, which holds the 1,000,000-link database's ~300 MiB as a production server's would;",
    "with the default 128 MiB, random lookups miss it and serial UpdateUserPermissions at 1,000,000 links cost 1.40x that at 1,000, against 1.08x with",
    "1 GiB, in an interleaved A/B) on the same machine; \"3 servers\" are three server processes on one database with the",
    "client's connections spread round-robin over them.",
    "",
    ...endpointReport(result),
    ENDPOINT_END,
  ].join("\n");
  console.log(`\n${text}`);
  return text;
}

if (endpointOnly) {
  const text = await endpointSection();
  if (write) {
    const { writeFileSync } = await import("node:fs");
    const file = new URL("../BENCHMARKS.md", import.meta.url);
    const doc = readFileSync(file, "utf8");
    const a = doc.indexOf(ENDPOINT_START);
    const b = doc.indexOf(ENDPOINT_END);
    const notes = doc.indexOf("## Where a target is missed");
    const updated = a >= 0 && b > a ? doc.slice(0, a) + text + doc.slice(b + ENDPOINT_END.length) : notes >= 0 ? `${doc.slice(0, notes)}${text}\n\n${doc.slice(notes)}` : `${doc}\n${text}\n`;
    writeFileSync(file, updated);
    console.log("\nwrote the endpoint section of BENCHMARKS.md");
  }
  process.exit(0);
}
const scale = smoke ? 0.01 : 1;
const SIZES = smoke
  ? { users: 100, clients: 20, links: 500, small: 1_000, big: 10_000 }
  : { users: 10_000, clients: 2_000, links: 50_000, small: 1_000, big: 1_000_000 };

const measure = (n, f) => measureScaled(n, f, scale);

/** Picks `n` links at random (fixed seed), as query pairs. */
function queries(state, n) {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, () => state.user_clients[Math.floor(rand() * state.user_clients.length)]);
}

const rows = [];
function row(what, wasmNs, jsNs, target) {
  const ratio = wasmNs / jsNs;
  rows.push({ what, wasm: wasmNs, js: jsNs, ratio, target, ok: target === undefined ? "" : ratio <= target ? "yes" : "NO" });
}
const fmt = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);

const perms = (i) => (i & 1 ? "profile,orders" : "invoices, tickets");

// 1. Store: hasPermission and updateUserPermissions on the large state.
const large = makeState(SIZES.users, SIZES.clients, SIZES.links);
const q = queries(large, 4096);
{
  const store = api.PermissionStore.fromState(large);
  const js = new JsStore(large);
  const names = ["profile", "orders", "invoices", "emails"];
  row("store hasPermission", measure(1e6, (i) => { const l = q[i & 4095]; return store.hasPermission(l.user_id, l.client_id, names[i & 3]); }),
    measure(1e6, (i) => { const l = q[i & 4095]; return js.hasPermission(l.user_id, l.client_id, names[i & 3]); }), 3);
  row("store updateUserPermissions", measure(2e5, (i) => { const l = q[i & 4095]; return store.updateUserPermissions({ user_id: l.user_id, client_id: l.client_id, permissions: perms(i) }); }),
    measure(2e5, (i) => { const l = q[i & 4095]; return js.updateUserPermissions({ user_id: l.user_id, client_id: l.client_id, permissions: perms(i) }); }), 3);
  store.free();
}

// 2. Functional API on a 3-user state and on the large state.
const small = {
  users: [{ id: 1, email: "owner@example.com" }, { id: 2, email: "ana@example.com" }, { id: 3 }],
  clients: [{ id: 1, owner_user_id: 1 }],
  user_clients: [{ user_id: 2, client_id: 1, permissions: ["profile"] }, { user_id: 3, client_id: 1, permissions: [] }],
};
row("functional updateUserPermissions, 3 users", measure(1e5, (i) => api.updateUserPermissions(small, { user_id: 2, client_id: 1, permissions: perms(i) })),
  measure(1e5, (i) => jsUpdateUserPermissions(small, { user_id: 2, client_id: 1, permissions: perms(i) })), 5);
const l0 = large.user_clients[0];
row(`functional updateUserPermissions, ${large.users.length} users / ${large.clients.length} clients / ${large.user_clients.length} links`,
  measure(20, (i) => api.updateUserPermissions(large, { user_id: l0.user_id, client_id: l0.client_id, permissions: perms(i) })),
  measure(20, (i) => jsUpdateUserPermissions(large, { user_id: l0.user_id, client_id: l0.client_id, permissions: perms(i) })));
row("PermissionStore.fromState, same large state", measure(20, () => api.PermissionStore.fromState(large).free()), measure(20, () => new JsStore(large)));

// 3. Scaling and memory, and the linear cases, each in a child process so
// memory starts clean.
function child(script, args) {
  const out = spawnSync(process.execPath, ["--max-old-space-size=8192", new URL(script, import.meta.url).pathname, ...args.map(String)], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (out.status !== 0) {
    console.error(out.stderr);
    throw new Error(`${script} failed`);
  }
  return JSON.parse(out.stdout);
}
const scaling = child("./scaling.mjs", [SIZES.small, SIZES.big, scale]);
const linear = child("./linear.mjs", [scale]);

// 4. Size and cold start (benches/start.mjs, which also runs on its own).
const runs = smoke ? 3 : 31;
const start = sizeAndStart(runs);

// 5. The HTTP endpoint and the import (servers, databases: benches/server.mjs).
const endpoint = await endpointSection();

// Report (printed; with --write also saved to BENCHMARKS.md)
const lines = [];
const say = (line = "") => {
  console.log(line);
  lines.push(...String(line).split("\n"));
};
const cpu = cpus()[0]?.model ?? "unknown CPU";
say(`whmcs-permissions benchmarks${smoke ? " (SMOKE: tiny sizes, figures meaningless)" : ""}`);
say(`machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
say("| measurement | wasm | plain JS | ratio | target | met |");
say("|---|---:|---:|---:|---:|:-:|");
for (const r of rows) say(`| ${r.what} | ${fmt(r.wasm)} | ${fmt(r.js)} | ${r.ratio.toFixed(2)}x | ${r.target ? `≤ ${r.target}x` : "—"} | ${r.ok || "—"} |`);
const n = (x) => x.toLocaleString("en-US");
say(`\n| scaling: store call, per call | ${n(scaling.small)} links (${n(scaling.smallUsers)} users) | ${n(scaling.big)} links (${n(scaling.bigUsers)} users) | ratio | target | met | plain JS ratio |`);
say("|---|---:|---:|---:|---:|:-:|---:|");
for (const { label, wasmSmall: a, wasmBig: b, jsSmall: ja, jsBig: jb } of scaling.rows) {
  const r = b / a;
  say(`| store ${label} | ${fmt(a)} | ${fmt(b)} | ${r.toFixed(2)}x | ≤ 1.5x | ${r <= 1.5 ? "yes" : "NO"} | ${(jb / ja).toFixed(2)}x (${fmt(ja)} → ${fmt(jb)}) |`);
}
say("\n| linear: 10x the input | 1x | 10x | ratio | target | met |");
say("|---|---:|---:|---:|---:|:-:|");
for (const { name, a, b } of linear) {
  const r = b / a;
  say(`| ${name} | ${fmt(a)} | ${fmt(b)} | ${r.toFixed(1)}x | ≤ 12x | ${r <= 12 ? "yes" : "NO"} |`);
}
const memMb = scaling.memoryBytes / 2 ** 20;
say(`\n| other | value | target | met |\n|---|---:|---:|:-:|`);
for (const line of startRows(start).slice(0, 1)) say(line);
say(`| WASM memory holding ${n(scaling.big)} links, ${n(scaling.bigUsers)} users | ${memMb.toFixed(1)} MiB | ≤ 64 MiB | ${memMb <= 64 ? "yes" : "NO"} |`);
say(`| fromState, ${n(scaling.big)} links, ${n(scaling.bigUsers)} users | ${fmt(scaling.fromStateBigNs)} | — | — |`);
for (const line of startRows(start).slice(1)) say(line);

if (write) {
  const { writeFileSync } = await import("node:fs");
  const { cpus: c } = await import("node:os");
  const doc = `# Benchmarks

Measured by \`npm run bench\` (benches/bench.mjs) on ${new Date().toISOString().slice(0, 10)}; regenerate with
\`node benches/bench.mjs --write\`. Every ratio compares the WebAssembly package with a
plain-JavaScript implementation of the same rules written in the bench itself
(benches/baseline.mjs: a \`Map\` of \`user:client\` to a \`Set\` of permissions, ids parsed
like params, the same error precedence, and a lazy email index and id order for the
Users commands), measured in the same run. Times are medians of 5 rounds after a
warm-up (the best of three such medians in the scaling table); cold starts are medians
of ${runs} interleaved process starts.

The scaling table times every store method on a store of 1,000 links and one of
1,000,000 (links / 5 users, links / 25 clients: tests/shared/world.js), with the calls of
the read-count test (successes and errors mixed; writing calls with fresh emails and
names). The linear table times 10x inputs against 1x (best of several runs). These are
timings, for reading; what \`npm test\` asserts about the same cases are counts of work,
which do not depend on the machine: instructions under callgrind (tests/work/run.mjs:
every linear case 8-12x, every store method within 1.5x per call at 1,000 vs 1,000,000
links) and reads of the host's objects through a counting Proxy
(tests/robust/linear.test.mjs: the same reads per store call at both sizes).

Machine: ${c().length} vCPU (${c()[0]?.model ?? "unknown"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux VM,
Node ${process.version}. Shared virtual machines are noisy: expect ±20% between runs.

${lines.slice(2).join("\n")}

${endpoint}

${readFileSync(new URL("./notes.md", import.meta.url), "utf8")}`;
  writeFileSync(new URL("../BENCHMARKS.md", import.meta.url), doc);
  console.log("\nwrote BENCHMARKS.md");
}
