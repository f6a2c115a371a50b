#!/usr/bin/env node
// A quick measurement, not the benchmark suite: serial UpdateUserPermissions
// requests against a server on a database, p50/p99/mean per request.
//   node scripts/measure-latency.mjs --db sqlite:/tmp/big.sqlite [--requests 2000]
// The links used are read from the database first (the first 500 by row id).
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const db = opt("--db");
const requests = Number(opt("--requests", "2000"));
if (!db) throw new Error("give --db URL");

const { Storage, parseDatabaseUrl } = await import(join(root, "target", "server", "storage.mjs"));
const storage = await Storage.open(parseDatabaseUrl(db));
const links = await storage.kysely.selectFrom("tblusers_clients").select(["auth_user_id", "client_id"]).where("owner", "=", 0).orderBy("id").limit(500).execute();
const [{ n }] = await storage.kysely.selectFrom("tblusers_clients").select((eb) => eb.fn.countAll().as("n")).where("owner", "=", 0).execute();
await storage.close();

const child = spawn(process.execPath, [join(root, "target", "server", "server.mjs")], { env: { ...process.env, PORT: "0", DATABASE_URL: db, STATE_FILE: "" }, stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise((resolve) => {
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
    const m = /http:\/\/\S+:\d+\//.exec(out);
    if (m) resolve(m[0]);
  });
});
child.stdout.resume();
const sets = ["profile", "profile,invoices", "tickets,orders", "domains"];
const times = [];
for (let i = 0; i < requests + 200; i++) {
  const l = links[i % links.length];
  const t = performance.now();
  const res = await fetch(`${url}includes/api.php`, {
    method: "POST",
    body: `action=UpdateUserPermissions&user_id=${l.auth_user_id}&client_id=${l.client_id}&permissions=${sets[i % sets.length]}`,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  const body = await res.text();
  if (!body.startsWith('{"result":"success"')) throw new Error(body);
  if (i >= 200) times.push(performance.now() - t); // the first 200 warm up
}
child.kill("SIGTERM");
times.sort((a, b) => a - b);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(`${db}: ${Number(n).toLocaleString("en")} links, ${times.length} serial UpdateUserPermissions: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, mean ${mean.toFixed(2)} ms (${(1000 / mean).toFixed(0)} requests/s)`);
