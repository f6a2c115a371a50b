#!/usr/bin/env node
// Generates a realistic large WHMCS state and writes it straight into a
// database through the storage module's import (validated by the core
// first), or into a JSON file. Deterministic for a given --seed.
//
//   node scripts/generate-state.mjs --db sqlite:/tmp/big.sqlite                 (1,000,000 links)
//   node scripts/generate-state.mjs --db mysql://app:app-pass@127.0.0.1:3306/big --links 1000 --replace
//   node scripts/generate-state.mjs --out /tmp/big.json --links 50000
//
// Options: --links N (1000000), --users N (links/5), --clients N (links/25),
// --invites N (clients/10), --seed N (1), --replace (replace a database's state).
// Needs `node scripts/build.mjs` first (target/server/storage.mjs).
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PERMISSIONS = ["profile", "contacts", "products", "manageproducts", "productsso", "domains", "managedomains", "invoices", "quotes", "tickets", "affiliates", "emails", "orders"];
const FIRST = ["Ana", "Ben", "Cleo", "Dev", "Eve", "Finn", "Gus", "Hana", "Ivo", "Jana", "Kemal", "Lena", "Mateo", "Nia", "Oskar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Ursula", "Viktor", "Wen", "Xavier", "Yara", "Zoë", "Émile", "Łukasz", "Søren", "Åsa"];
const LAST = ["Alves", "Brooks", "Carter", "Desai", "Evans", "Foster", "García", "Huang", "Ivanova", "Jensen", "Kowalski", "López", "Müller", "Nakamura", "O'Brien", "Petrov", "Quintero", "Rossi", "Schmidt", "Tanaka", "Unger", "Virtanen", "Weber", "Xu", "Yilmaz", "Zieliński"];
const WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent", "Cyberdyne", "Tyrell", "Wonka", "Aperture", "Gringotts", "Oscorp", "Monarch", "Nakatomi", "Pied Piper", "Dunder", "Bluth"];
const SUFFIX = ["Ltd", "plc", "LLC", "GmbH", "SARL", "BV", "AB", "Inc.", "Oy", "S.L."];
const DOMAINS = ["example.com", "example.org", "example.net", "mail.example", "corp.example"];

export function parseArgs(argv) {
  const opts = { links: 1_000_000, seed: 1, replace: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--db") opts.db = value();
    else if (a === "--out") opts.out = value();
    else if (a === "--replace") opts.replace = true;
    else if (["--links", "--users", "--clients", "--invites", "--seed"].includes(a)) {
      const n = Number(value());
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${a} needs a whole number`);
      opts[a.slice(2)] = n;
    } else throw new Error(`unknown argument ${a}`);
  }
  opts.users ??= Math.max(2, Math.round(opts.links / 5));
  opts.clients ??= Math.max(1, Math.round(opts.links / 25));
  opts.invites ??= Math.round(opts.clients / 10);
  if (!opts.db && !opts.out) throw new Error("give --db URL or --out FILE.json");
  if (opts.clients > opts.users) throw new Error("--clients must not exceed --users (every client has its own owner)");
  return opts;
}

/** mulberry32: a small fast deterministic PRNG (also used by benches/server.mjs). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The state: users with names and emails, clients with a company and an owner, links spread unevenly. */
export function generate({ users: nUsers, clients: nClients, links: nLinks, invites: nInvites, seed }) {
  const random = rng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const perms = () => {
    const set = PERMISSIONS.filter(() => random() < 0.3);
    return set.length ? set : ["profile"];
  };
  const users = new Array(nUsers);
  for (let i = 0; i < nUsers; i++) {
    const firstname = pick(FIRST);
    const lastname = pick(LAST);
    const local = `${firstname}.${lastname}`.normalize("NFD").replace(/[^A-Za-z.]/g, "").toLowerCase();
    users[i] = { id: i + 1, firstname, lastname, email: `${local}${i + 1}@${pick(DOMAINS)}`, datecreated: "2024-01-01 00:00:00" };
  }
  const clients = new Array(nClients);
  // Owners: the first nClients users own one client each (ids shuffled into clients).
  for (let i = 0; i < nClients; i++) {
    clients[i] = { id: i + 1, owner_user_id: i + 1, company: `${pick(WORDS)} ${pick(WORDS)} ${pick(SUFFIX)} ${i + 1}` };
  }
  // Links: each client gets a share drawn from a skewed weight (a few large accounts, many small ones).
  const weights = clients.map(() => 0.2 + random() ** 3 * 8);
  const total = weights.reduce((a, b) => a + b, 0);
  const maxPerClient = Math.max(1, nUsers - 1);
  const counts = weights.map((w) => Math.min(maxPerClient, Math.floor((w / total) * nLinks)));
  let missing = nLinks - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; missing > 0; i = (i + 1) % nClients) if (counts[i] < maxPerClient) (counts[i]++, missing--);
  const user_clients = new Array(nLinks);
  let n = 0;
  for (let c = 0; c < nClients; c++) {
    const owner = clients[c].owner_user_id;
    const seen = new Set([owner]);
    // Consecutive-ish users from a random start: distinct, and cheap to draw even for large clients.
    let u = Math.floor(random() * nUsers);
    const step = 1 + Math.floor(random() * 7);
    while (seen.size - 1 < counts[c]) {
      u = (u + step) % nUsers;
      const id = u + 1;
      if (seen.has(id)) {
        u = (u + 1) % nUsers;
        continue;
      }
      seen.add(id);
      user_clients[n++] = { user_id: id, client_id: c + 1, permissions: perms() };
    }
  }
  const invites = Array.from({ length: nInvites }, (_, i) => ({
    client_id: 1 + Math.floor(random() * nClients),
    email: `invitee${i + 1}@${pick(DOMAINS)}`,
    permissions: perms(),
  }));
  return { users, clients, user_clients, invites };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const state = generate(opts);
  const t1 = Date.now();
  console.error(`[generate] ${state.users.length} users, ${state.clients.length} clients, ${state.user_clients.length} links, ${state.invites.length} invites in ${((t1 - t0) / 1000).toFixed(1)} s`);
  if (opts.out) {
    writeFileSync(opts.out, JSON.stringify(state));
    console.error(`[generate] wrote ${opts.out}`);
  }
  if (opts.db) {
    const storagePath = join(root, "target", "server", "storage.mjs");
    if (!existsSync(storagePath)) throw new Error(`${storagePath} is missing: run \`node scripts/build.mjs\` first`);
    const { Storage, parseDatabaseUrl } = await import(storagePath);
    const storage = await Storage.open(parseDatabaseUrl(opts.db));
    try {
      const t2 = Date.now();
      await storage.importState(state, { replace: opts.replace });
      console.error(`[generate] imported into ${storage.label} in ${((Date.now() - t2) / 1000).toFixed(1)} s (validation by the core included)`);
    } finally {
      await storage.close();
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`generate-state: ${error.message}`);
    process.exit(2);
  });
}
