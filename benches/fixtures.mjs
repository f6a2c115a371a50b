// What the server benchmarks run on: generated databases (the large ones
// cached under target/bench-cache/, rebuilt when the generator or the schema
// changes), a throwaway MariaDB (scripts/mariadb-start.sh, always stopped),
// and server processes started and stopped by the bench itself.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const cacheDir = join(root, "target", "bench-cache");
const storagePath = join(root, "target", "server", "storage.mjs");
const serverPath = join(root, "target", "server", "server.mjs");

/** What a cached database depends on: the generator, the migrations and the row mapping. */
export function fixtureHash() {
  const h = createHash("sha256");
  const files = [
    "scripts/generate-state.mjs",
    "js/server/storage/records.ts",
    "js/server/storage/keys.ts",
    ...readdirSync(join(root, "js/server/migrations")).sort().map((f) => `js/server/migrations/${f}`),
  ];
  for (const f of files) h.update(f).update(readFileSync(join(root, f)));
  return h.digest("hex").slice(0, 12);
}

export async function openStorage(url) {
  const { Storage, parseDatabaseUrl } = await import(storagePath);
  return Storage.open(parseDatabaseUrl(url));
}

/** Imports a generated state of `links` links into the database at `url` (scripts/generate-state.mjs, replacing what it holds). */
export function fill(url, links) {
  execFileSync(process.execPath, ["--max-old-space-size=8192", join(root, "scripts", "generate-state.mjs"), "--db", url, "--links", String(links), "--replace"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** Temporary directories of this run, removed at exit. */
const temps = [];
export function tempDir(prefix = "whmcs-bench-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
export function removeTemps() {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A SQLite database of `links` links: cached (`cache`) or a new one in a temporary directory. */
export async function sqliteDatabase(links, { cache, log = () => {} }) {
  if (!cache) {
    const url = `sqlite:${join(tempDir(), "bench.sqlite")}`;
    fill(url, links);
    return url;
  }
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `sqlite-${links}-${fixtureHash()}.sqlite`);
  if (!existsSync(file)) {
    for (const old of readdirSync(cacheDir)) if (old.startsWith(`sqlite-${links}-`)) rmSync(join(cacheDir, old), { force: true });
    log(`generating a ${links.toLocaleString("en-US")}-link SQLite database (cached as ${file}) ...`);
    const partial = `${file}.partial`;
    rmSync(partial, { force: true });
    fill(`sqlite:${partial}`, links);
    for (const suffix of ["-wal", "-shm"]) rmSync(partial + suffix, { force: true });
    renameSync(partial, file);
  }
  return `sqlite:${file}`;
}

/**
 * A throwaway MariaDB (scripts/mariadb-start.sh). With `cache`, its data
 * directory is target/bench-cache/mariadb-HASH (kept between runs, so the
 * large database is generated once); otherwise a new temporary one.
 * `stop()` always stops the server (and removes a temporary data directory).
 */
export function startMariadb({ cache }) {
  let base;
  if (cache) {
    mkdirSync(cacheDir, { recursive: true });
    base = join(cacheDir, `mariadb-${fixtureHash()}`);
    for (const old of readdirSync(cacheDir)) if (old.startsWith("mariadb-") && join(cacheDir, old) !== base) rmSync(join(cacheDir, old), { recursive: true, force: true });
  }
  const out = execFileSync("bash", [join(root, "scripts", "mariadb-start.sh")], {
    encoding: "utf8",
    env: { ...process.env, ...(base ? { BASE: base } : {}) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [dir, port] = out.trim().split(/\s+/);
  let stopped = false;
  return {
    base: dir,
    url: (db) => `mysql://app:app-pass@127.0.0.1:${port}/${db}`,
    /** Creates database `db` unless it exists; resolves whether it was new. */
    async create(db) {
      const { default: mysql } = await import("mysql2/promise");
      const conn = await mysql.createConnection(`mysql://app:app-pass@127.0.0.1:${port}/mysql`);
      try {
        const [rows] = await conn.query("select schema_name from information_schema.schemata where schema_name = ?", [db]);
        if (rows.length) return false;
        await conn.query(`create database \`${db}\``);
        return true;
      } finally {
        await conn.end();
      }
    },
    async drop(db) {
      const { default: mysql } = await import("mysql2/promise");
      const conn = await mysql.createConnection(`mysql://app:app-pass@127.0.0.1:${port}/mysql`);
      try {
        await conn.query(`drop database if exists \`${db}\``);
      } finally {
        await conn.end();
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      execFileSync("bash", [join(root, "scripts", "mariadb-stop.sh"), dir, ...(cache ? ["--keep"] : [])], { stdio: "inherit" });
    },
  };
}

/** A MariaDB database of `links` links in `maria`: cached ones are checked by a marker row, others made anew. */
export async function mariadbDatabase(maria, links, { cache, name, log = () => {} }) {
  const db = name ?? `bench_${links}`;
  const url = maria.url(db);
  if (!cache) {
    await maria.drop(db);
    await maria.create(db);
    fill(url, links);
    return url;
  }
  const { default: mysql } = await import("mysql2/promise");
  const isComplete = async () => {
    const conn = await mysql.createConnection(maria.url("mysql"));
    try {
      const [rows] = await conn.query("select 1 from information_schema.tables where table_schema = ? and table_name = 'bench_complete'", [db]);
      return rows.length > 0;
    } finally {
      await conn.end();
    }
  };
  if (!(await isComplete())) {
    log(`generating a ${links.toLocaleString("en-US")}-link MariaDB database (cached in ${maria.base}) ...`);
    await maria.drop(db);
    await maria.create(db);
    fill(url, links);
    const conn = await mysql.createConnection(url);
    try {
      await conn.query("create table bench_complete (x int)");
    } finally {
      await conn.end();
    }
  }
  return url;
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const running = new Set();

/**
 * Starts a server process (ours by default, or `script`) on a free port with
 * `env`; its stdout (the log lines) goes to a file, as in production.
 * Resolves with { url, stop() } once it printed its URL.
 */
export async function startServer({ env = {}, script = serverPath, label = "server", nodeArgs = [] }) {
  const dir = tempDir("whmcs-bench-log-");
  const logFile = join(dir, "stdout.log");
  const port = await freePort();
  const out = openSync(logFile, "w");
  const err = openSync(join(dir, "stderr.log"), "w");
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", STATE_FILE: "", DATABASE_URL: "", API_IDENTIFIER: "", API_SECRET: "", ...env },
    stdio: ["ignore", out, err],
  });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  running.add(child);
  exited.then(() => running.delete(child));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${label} exited before it was ready:\n${readFileSync(logFile, "utf8")}${readFileSync(join(dir, "stderr.log"), "utf8")}`);
    }
    if (readFileSync(logFile, "utf8").includes(url)) break;
    if (Date.now() > deadline) throw new Error(`${label} did not start within 120 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    logFile,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** Stops every server still running (the bench's finally, and on signals). */
export function stopAllServers() {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  return Promise.all([...running].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once("exit", r)))));
}

/** Writes `text` to `file` atomically enough for a cache (a crash leaves no half file under the final name). */
export function writeCached(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.partial`, text);
  renameSync(`${file}.partial`, file);
}
