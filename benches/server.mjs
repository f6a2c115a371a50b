#!/usr/bin/env node
// Endpoint benchmarks: POST /includes/api.php over HTTP, serial (one
// keep-alive connection) and with 16 concurrent connections, at 1,000 and
// 1,000,000 links, on SQLite, MariaDB with one server process and with three
// (one database, requests round-robin), the JSON-file mode at 50,000 links,
// and a bare Node HTTP server answering {"result":"success"} (the limit of
// this machine), all measured by the same client (benches/load.mjs) in the
// same run, in rounds that interleave every configuration.
//
//   node benches/server.mjs [--smoke] [--cached] [--rounds N] [--seconds S]   (also run by benches/bench.mjs)
// --cached reuses the large databases of an earlier run (target/bench-cache/) instead of
// importing them again, so the import times are not measured.
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { commitCost, mariadbDatabase, openStorage, removeTemps, root, sqliteDatabase, startMariadb, startServer, stateFile, stopAllServers, tempDir } from "./fixtures.mjs";
import { load, phpForm } from "./load.mjs";
import { PERMISSIONS } from "whmcs-permissions";
import { rng } from "../scripts/generate-state.mjs";

const CREDENTIALS = { identifier: "bench-identifier", secret: "bench-secret" };
const SERVER_ENV = { API_IDENTIFIER: CREDENTIALS.identifier, API_SECRET: CREDENTIALS.secret };
/** The share of UpdateUserPermissions requests that set what the link already holds (the core answers success, nothing is written). */
export const NOOP_SHARE = 0.1;

/** What the requests are drawn from: links (with their permissions), the client count, the user count. */
async function sampleDatabase(url, want, random) {
  const storage = await openStorage(url);
  try {
    const db = storage.kysely;
    const max = Number((await db.selectFrom("tblusers_clients").select((eb) => eb.fn.max("id").as("m")).executeTakeFirst()).m);
    const users = Number((await db.selectFrom("tblusers").select((eb) => eb.fn.countAll().as("n")).executeTakeFirst()).n);
    const clients = (await db.selectFrom("tblclients").select("id").orderBy("id").execute()).map((c) => c.id);
    const links = [];
    const ids = new Set();
    while (ids.size < Math.min(want, max)) ids.add(1 + Math.floor(random() * max));
    const all = [...ids];
    for (let i = 0; i < all.length; i += 500) {
      const rows = await db.selectFrom("tblusers_clients").select(["auth_user_id", "client_id", "permissions"]).where("owner", "=", 0).where("id", "in", all.slice(i, i + 500)).execute();
      for (const r of rows) links.push({ user_id: r.auth_user_id, client_id: r.client_id, permissions: r.permissions === "" ? [] : r.permissions.split(",") });
    }
    const invites = Number((await db.selectFrom("tbluser_invites").select((eb) => eb.fn.max("id").as("m")).executeTakeFirst()).m ?? 0);
    const total = Number((await db.selectFrom("tblusers_clients").where("owner", "=", 0).select((eb) => eb.fn.countAll().as("n")).executeTakeFirst()).n);
    return { links, users, clients, invites, total };
  } finally {
    await storage.close();
  }
}

function sampleState(file, want, random) {
  const state = JSON.parse(readFileSync(file, "utf8"));
  const links = Array.from({ length: Math.min(want, state.user_clients.length) }, () => state.user_clients[Math.floor(random() * state.user_clients.length)]);
  return { links: links.map((l) => ({ ...l, permissions: [...l.permissions] })), users: state.users.length, clients: state.clients.map((c) => c.id), total: state.user_clients.length };
}

const success = (status, text) => {
  if (status !== 200 || !text.startsWith('{"result":"success"')) throw new Error(`unexpected answer (HTTP ${status}): ${text.slice(0, 300)}`);
};

/** Request makers: each returns next(i) for load(). */
const requests = {
  /** Random links; permissions a random non-empty set (a write), or in NOOP_SHARE of requests the set the link holds, reordered. */
  UpdateUserPermissions(sample, random) {
    const held = new Map(sample.links.map((l) => [`${l.user_id}:${l.client_id}`, l.permissions]));
    return () => {
      const link = sample.links[Math.floor(random() * sample.links.length)];
      const key = `${link.user_id}:${link.client_id}`;
      let permissions;
      if (random() < NOOP_SHARE) permissions = [...held.get(key)].reverse();
      else {
        permissions = PERMISSIONS.filter(() => random() < 0.35);
        if (permissions.length === 0) permissions = [PERMISSIONS[Math.floor(random() * PERMISSIONS.length)]];
      }
      const body = phpForm({ action: "UpdateUserPermissions", ...CREDENTIALS, user_id: link.user_id, client_id: link.client_id, permissions: permissions.join(","), responsetype: "json" });
      return {
        body,
        check(status, text) {
          success(status, text);
          held.set(key, permissions);
        },
      };
    };
  },
  "GetUsers, first page"(sample) {
    const body = phpForm({ action: "GetUsers", ...CREDENTIALS, limitstart: 0, limitnum: 25, responsetype: "json" });
    return () => ({ body, check: success });
  },
  "GetUsers, last page"(sample) {
    const body = phpForm({ action: "GetUsers", ...CREDENTIALS, limitstart: Math.max(0, sample.users - 25), limitnum: 25, responsetype: "json" });
    return () => ({ body, check: success });
  },
  /** A new email each time (so each succeeds and inserts an invite), on a random client. */
  CreateClientInvite(sample, random, run) {
    let n = 0;
    return () => {
      const client_id = sample.clients[Math.floor(random() * sample.clients.length)];
      const permissions = PERMISSIONS.filter(() => random() < 0.35);
      if (permissions.length === 0) permissions.push("profile");
      const body = phpForm({ action: "CreateClientInvite", ...CREDENTIALS, client_id, email: `bench.${run}.${n++}@invitee.example`, permissions: permissions.join(","), responsetype: "json" });
      return { body, check: success };
    };
  },
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs every cell `rounds` times (interleaved; every other round in reverse
 * order) and returns the cells with their medians and spreads.
 */
export async function endpointBench({ smoke = false, rounds, seconds, cached = false, log = (s) => console.error(s) } = {}) {
  const sizes = smoke ? { small: 1_000, big: 5_000, json: 2_000 } : { small: 1_000, big: 1_000_000, json: 50_000 };
  rounds ??= smoke ? 1 : 3;
  seconds ??= smoke ? 0.2 : 3;
  const warmup = smoke ? 0.1 : 0.5;
  const run = Date.now().toString(36);
  const random = rng(20261202);
  let maria;
  const cleanups = [];
  const onSignal = () => {
    stopAllServers().finally(() => {
      maria?.stop();
      process.exit(130);
    });
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    log("[server bench] state files and imports (the CLI, timed) ...");
    const files = { small: stateFile(sizes.small, { log }), big: stateFile(sizes.big, { log }), json: stateFile(sizes.json, { log }) };
    maria = startMariadb({ cache: !smoke });
    // The large databases are cached (target/bench-cache/); each run imports them again (timed) unless --cached.
    const made = {
      sqliteSmall: await sqliteDatabase(sizes.small, { cache: false, file: files.small, log }),
      sqliteBig: await sqliteDatabase(sizes.big, { cache: !smoke, file: files.big, reimport: !cached, log }),
      mariaSmall: await mariadbDatabase(maria, sizes.small, { cache: false, file: files.small, name: "bench_small", log }),
      mariaBig: await mariadbDatabase(maria, sizes.big, { cache: !smoke, file: files.big, reimport: !cached, name: smoke ? "bench_big" : undefined, log }),
    };
    const dbs = Object.fromEntries(Object.entries(made).map(([k, v]) => [k, v.url]));
    const imports = [
      { engine: "SQLite", links: sizes.small, seconds: made.sqliteSmall.importSeconds },
      { engine: "MariaDB", links: sizes.small, seconds: made.mariaSmall.importSeconds },
      { engine: "SQLite", links: sizes.big, seconds: made.sqliteBig.importSeconds },
      { engine: "MariaDB", links: sizes.big, seconds: made.mariaBig.importSeconds },
    ];
    for (const i of imports) if (i.seconds !== undefined) log(`  import ${i.links} links into ${i.engine}: ${i.seconds.toFixed(1)} s`);
    // The JSON-file mode rewrites its file: a copy of the cached one.
    const jsonFile = join(tempDir(), "state.json");
    copyFileSync(files.json, jsonFile);
    const commit = commitCost(dbs.sqliteBig.slice("sqlite:".length), smoke ? 200 : 2000);
    log(`  SQLite single-row commit next to the large database: ${commit.full.toFixed(3)} ms (synchronous = FULL), ${commit.normal.toFixed(3)} ms (NORMAL)`);

    const samples = {};
    for (const [key, url] of Object.entries(dbs)) {
      samples[key] = await sampleDatabase(url, 20_000, random);
      if (!smoke && key.endsWith("Big")) {
        // Invites the bench adds to a cached database are removed afterwards.
        const before = samples[key].invites;
        cleanups.push(async () => {
          const storage = await openStorage(url);
          try {
            await storage.kysely.deleteFrom("tbluser_invites").where("id", ">", before).execute();
          } finally {
            await storage.close();
          }
        });
      }
    }
    samples.json = sampleState(jsonFile, 20_000, random);

    log("[server bench] servers ...");
    const start = (env, label, n = 1) => Promise.all(Array.from({ length: n }, () => startServer({ env: { ...SERVER_ENV, ...env }, label })));
    const servers = {
      bare: await startServer({ script: join(root, "benches", "bare-server.mjs"), label: "bare node" }),
      sqliteSmall: await start({ DATABASE_URL: dbs.sqliteSmall }, "sqlite small"),
      sqliteBig: await start({ DATABASE_URL: dbs.sqliteBig }, "sqlite big"),
      mariaSmall: await start({ DATABASE_URL: dbs.mariaSmall }, "mariadb small", 3),
      mariaBig: await start({ DATABASE_URL: dbs.mariaBig }, "mariadb big", 3),
      json: await start({ STATE_FILE: jsonFile }, "json file"),
    };

    const cells = [];
    const cell = (command, engine, size, samplesKey, urls, concurrency, extra = {}) =>
      cells.push({ command, engine, links: samples[samplesKey].total, size, samplesKey, urls, concurrency, results: [], ...extra });
    for (const c of [1, 16]) cell("UpdateUserPermissions", "bare Node", "—", "sqliteSmall", [servers.bare.url], c, { bare: true });
    for (const size of ["Small", "Big"]) {
      for (const c of [1, 16]) {
        cell("UpdateUserPermissions", "SQLite", size, `sqlite${size}`, servers[`sqlite${size}`].map((s) => s.url), c);
        cell("UpdateUserPermissions", "MariaDB, 1 server", size, `maria${size}`, [servers[`maria${size}`][0].url], c);
        cell("UpdateUserPermissions", "MariaDB, 3 servers", size, `maria${size}`, servers[`maria${size}`].map((s) => s.url), c);
      }
    }
    for (const c of [1, 16]) cell("UpdateUserPermissions", "JSON file", "json", "json", [servers.json[0].url], c, { minRequests: smoke ? 2 : 20 });
    for (const command of ["GetUsers, first page", "GetUsers, last page", "CreateClientInvite"]) {
      for (const size of ["Small", "Big"]) {
        for (const c of [1, 16]) {
          cell(command, "SQLite", size, `sqlite${size}`, servers[`sqlite${size}`].map((s) => s.url), c);
          cell(command, "MariaDB, 1 server", size, `maria${size}`, [servers[`maria${size}`][0].url], c);
        }
      }
    }

    log(`[server bench] ${cells.length} configurations × ${rounds} rounds of ${seconds} s ...`);
    const { loadavg } = await import("node:os");
    const machineLoad = { before: loadavg() };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? [...cells].reverse() : cells;
      // The bare server opens every round, so each round has its own limit next to it.
      for (const c of [...order.filter((x) => x.bare), ...order.filter((x) => !x.bare)]) {
        const next = requests[c.command](samples[c.samplesKey], random, `${run}${r}`);
        const result = await load({ urls: c.urls, concurrency: c.concurrency, seconds, warmup, next, minRequests: c.minRequests ?? 0 });
        c.results.push(result);
        if (!smoke) log(`  round ${r + 1}: ${c.command} · ${c.engine} · ${c.links} links · ${c.concurrency} conn: ${result.rps.toFixed(0)} requests/s, p50 ${result.p50.toFixed(2)} ms`);
      }
    }
    await stopAllServers();
    for (const f of cleanups) await f();
    for (const c of cells) {
      c.rps = median(c.results.map((x) => x.rps));
      c.rpsMin = Math.min(...c.results.map((x) => x.rps));
      c.rpsMax = Math.max(...c.results.map((x) => x.rps));
      c.p50 = median(c.results.map((x) => x.p50));
      c.p99 = median(c.results.map((x) => x.p99));
      c.requests = c.results.reduce((a, x) => a + x.requests, 0);
    }
    const bare = Object.fromEntries(cells.filter((c) => c.bare).map((c) => [c.concurrency, c]));
    for (const c of cells) c.costVsBare = bare[c.concurrency].rps / c.rps;
    machineLoad.after = loadavg();
    return { cells, sizes, rounds, seconds, noopShare: NOOP_SHARE, imports, commit, cached, load: machineLoad };
  } finally {
    await stopAllServers();
    try {
      maria?.stop();
    } finally {
      removeTemps();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  }
}

const n = (x) => x.toLocaleString("en-US");
const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const rate = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** The report: the endpoint table, the 1M-vs-1k table, the targets. Returns markdown lines. */
export function endpointReport({ cells, rounds, seconds, noopShare, imports, commit, cached, load }) {
  const lines = [];
  const say = (s = "") => lines.push(s);
  say("| import: `whmcs-permissions import --db URL --replace FILE.json` (the CLI, own process, wall time) | links | time | rows/s (all tables) | target | met |");
  say("|---|---:|---:|---:|---:|:-:|");
  for (const i of imports) {
    const big = i.links >= 1_000_000;
    if (i.seconds === undefined) {
      say(`| ${i.engine} | ${n(i.links)} | not measured (--cached: reused) | — | ${big ? "well under 60 s" : "—"} | — |`);
      continue;
    }
    say(`| ${i.engine} | ${n(i.links)} | ${i.seconds.toFixed(1)} s | ${n(Math.round((i.links * 1.284) / i.seconds))} | ${big ? "well under 60 s (< 45 s)" : "—"} | ${big ? (i.seconds < 45 ? "yes" : i.seconds < 60 ? "under 60 s, not well under" : "NO") : "—"} |`);
  }
  const si = imports.find((i) => i.engine === "SQLite" && i.links >= 1_000_000);
  const mi = imports.find((i) => i.engine === "MariaDB" && i.links >= 1_000_000);
  if (si?.seconds && mi?.seconds) say(`\nMariaDB import / SQLite import, same run: ${(mi.seconds / si.seconds).toFixed(2)}x (last measured before this change: 60–68 s against 31–36 s, ≈ 1.9x).`);
  say("");
  say(`SQLite single-row commit on the disk of the databases, same run (median of ${commit.n ?? "n"}): ${commit.full.toFixed(2)} ms with \`synchronous = FULL\` (the server's setting: the WAL is fsynced before each answer), ${commit.normal.toFixed(3)} ms with \`NORMAL\`. A serial client can get at most ${rate(1000 / commit.full)} durable writes per second from this disk, whatever the server does; 16 connections share commits (group commit), so they are bounded by the CPU instead.`);
  if (load) say(`\nConditions: load average ${load.before.map((x) => x.toFixed(1)).join(", ")} at the start of the endpoint runs and ${load.after.map((x) => x.toFixed(1)).join(", ")} at the end (2 vCPUs, shared with other work).`);
  say("");
  say(`| endpoint (${rounds} rounds of ${seconds} s, medians) | storage | links | connections | requests/s (min–max) | p50 | p99 | cost per request vs bare Node |`);
  say("|---|---|---:|---:|---:|---:|---:|---:|");
  for (const c of cells) {
    say(`| ${c.command} | ${c.engine} | ${c.bare ? "—" : n(c.links)} | ${c.concurrency} | ${rate(c.rps)} (${rate(c.rpsMin)}–${rate(c.rpsMax)}) | ${ms(c.p50)} ms | ${ms(c.p99)} ms | ${c.bare ? "1x" : `${c.costVsBare.toFixed(1)}x`} |`);
  }
  const find = (command, engine, size, concurrency) => cells.find((c) => c.command === command && c.engine === engine && c.size === size && c.concurrency === concurrency);
  say("");
  say("| per request, large vs small database | storage | connections | small: requests/s, p50 | large: requests/s, p50 | cost ratio (requests/s) | p50 ratio | target | met |");
  say("|---|---|---:|---:|---:|---:|---:|---:|:-:|");
  for (const command of ["UpdateUserPermissions", "GetUsers, first page", "GetUsers, last page", "CreateClientInvite"]) {
    for (const engine of ["SQLite", "MariaDB, 1 server", "MariaDB, 3 servers"]) {
      for (const concurrency of [1, 16]) {
        const a = find(command, engine, "Small", concurrency);
        const b = find(command, engine, "Big", concurrency);
        if (!a || !b) continue;
        const ratio = a.rps / b.rps;
        const target = command === "UpdateUserPermissions" || command === "CreateClientInvite" || command === "GetUsers, first page";
        say(`| ${command} | ${engine} | ${concurrency} | ${rate(a.rps)}, ${ms(a.p50)} ms (${n(a.links)} links) | ${rate(b.rps)}, ${ms(b.p50)} ms (${n(b.links)} links) | ${ratio.toFixed(2)}x | ${(b.p50 / a.p50).toFixed(2)}x | ${target ? "≤ 1.5x" : "—"} | ${target ? (ratio <= 1.5 ? "yes" : "NO") : "—"} |`);
      }
    }
  }
  const big1 = find("UpdateUserPermissions", "SQLite", "Big", 1);
  const big16 = find("UpdateUserPermissions", "SQLite", "Big", 16);
  const json = find("UpdateUserPermissions", "JSON file", "json", 1);
  say("");
  say("| target (the issue) | measured | met |");
  say("|---|---:|:-:|");
  say(`| SQLite, ${n(big1.links)} links, serial: ≥ 500 requests/s | ${rate(big1.rps)} requests/s | ${big1.rps >= 500 ? "yes" : "NO"} |`);
  say(`| SQLite, ${n(big16.links)} links, 16 connections: ≥ 1,000 requests/s | ${rate(big16.rps)} requests/s | ${big16.rps >= 1000 ? "yes" : "NO"} |`);
  const json16 = find("UpdateUserPermissions", "JSON file", "json", 16);
  const small1 = find("UpdateUserPermissions", "SQLite", "Small", 1);
  const small16 = find("UpdateUserPermissions", "SQLite", "Small", 16);
  say(`| SQLite, per request at ${n(big1.links)} vs ${n(small1.links)} links, serial: ≤ 1.5x | ${(small1.rps / big1.rps).toFixed(2)}x | ${small1.rps / big1.rps <= 1.5 ? "yes" : "NO"} |`);
  say(`| SQLite, per request at ${n(big16.links)} vs ${n(small16.links)} links, 16 connections: ≤ 1.5x | ${(small16.rps / big16.rps).toFixed(2)}x | ${small16.rps / big16.rps <= 1.5 ? "yes" : "NO"} |`);
  say(`| JSON-file mode, ${n(json.links)} links, serial (4.6 requests/s before the database work) | ${rate(json.rps)} requests/s (${(json.rps / 4.6).toFixed(1)}x); 16 connections: ${rate(json16.rps)} | — |`);
  say(`| SQLite, ${n(big1.links)} links, serial, against the disk's limit (one fsync per request) | ${rate(big1.rps)} of ${rate(1000 / commit.full)} requests/s (${((big1.rps * commit.full) / 10).toFixed(0)}%) | — |`);
  say("");
  say(`UpdateUserPermissions requests pick a random link among ${n(20_000)} sampled from the database's links; ${Math.round(noopShare * 100)}% set the permissions the link already holds (success, nothing written), the rest a random set (a write). Bodies are form-encoded as PHP's \`http_build_query\` writes them, with \`identifier\`/\`secret\` (the servers require credentials). CreateClientInvite uses a new email each time on a random client (every one inserts an invite); GetUsers pages 25 users without search, the first page and the last one.`);
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : undefined);
  const result = await endpointBench({ smoke: args.includes("--smoke"), cached: args.includes("--cached"), rounds: opt("--rounds"), seconds: opt("--seconds") });
  console.log(endpointReport(result).join("\n"));
}
