// What the server benchmarks run on: generated databases (the large ones
// cached under target/bench-cache/, rebuilt when the generator or the schema
// changes), a throwaway MariaDB (scripts/mariadb-start.sh, always stopped),
// and server processes started and stopped by the bench itself.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { createRequire } from "node:module";
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

const cliPath = join(root, "pkg", "cli.cjs");

/** A generated state of `links` links as a JSON file (cached under target/bench-cache/). */
export function stateFile(links, { log = () => {} } = {}) {
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `state-${links}-${fixtureHash()}.json`);
  if (!existsSync(file)) {
    for (const old of readdirSync(cacheDir)) if (old.startsWith(`state-${links}-`)) rmSync(join(cacheDir, old), { force: true });
    log(`generating a ${links.toLocaleString("en-US")}-link state (cached as ${file}) ...`);
    execFileSync(process.execPath, ["--max-old-space-size=8192", join(root, "scripts", "generate-state.mjs"), "--out", `${file}.partial`, "--links", String(links)], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    renameSync(`${file}.partial`, file);
  }
  return file;
}

/**
 * `whmcs-permissions import --db URL --replace FILE` as a user runs it (the
 * published CLI, pkg/cli.cjs, in its own process): resolves with its wall time in seconds.
 */
export function timedImport(url, file) {
  const t = performance.now();
  execFileSync(process.execPath, [cliPath, "import", "--db", url, "--replace", file], { stdio: ["ignore", "ignore", "inherit"] });
  return (performance.now() - t) / 1000;
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

/**
 * A SQLite database of `links` links: cached (`cache`: target/bench-cache/,
 * reused as it is unless `reimport`) or a new one in a temporary directory.
 * With `file` (a state file) the database is made by the CLI's import, timed:
 * resolves with { url, importSeconds } (importSeconds undefined when reused).
 */
export async function sqliteDatabase(links, { cache, file, reimport = false, log = () => {} }) {
  const make = (url) => (file ? timedImport(url, file) : (fill(url, links), undefined));
  if (!cache) {
    const url = `sqlite:${join(tempDir(), "bench.sqlite")}`;
    return { url, importSeconds: make(url) };
  }
  mkdirSync(cacheDir, { recursive: true });
  const path = join(cacheDir, `sqlite-${links}-${fixtureHash()}.sqlite`);
  let importSeconds;
  if (reimport || !existsSync(path)) {
    for (const old of readdirSync(cacheDir)) if (old.startsWith(`sqlite-${links}-`)) rmSync(join(cacheDir, old), { force: true });
    log(`importing a ${links.toLocaleString("en-US")}-link SQLite database (cached as ${path}) ...`);
    const partial = `${path}.partial`;
    for (const suffix of ["", "-wal", "-shm"]) rmSync(partial + suffix, { force: true });
    importSeconds = make(`sqlite:${partial}`);
    for (const suffix of ["-wal", "-shm"]) rmSync(partial + suffix, { force: true });
    renameSync(partial, path);
  }
  return { url: `sqlite:${path}`, importSeconds };
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
    // A buffer pool that holds the 1,000,000-link database (~300 MiB of tables and indexes), as a
    // production server is sized; MariaDB's default 128 MiB makes random lookups miss it.
    env: { ...process.env, MARIADB_BUFFER_POOL: "1G", ...(base ? { BASE: base } : {}) },
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

/**
 * A MariaDB database of `links` links in `maria`: cached ones (a marker table
 * says the import finished) are reused unless `reimport`; others made anew.
 * With `file`, made by the CLI's import, timed: resolves with { url, importSeconds }.
 */
export async function mariadbDatabase(maria, links, { cache, file, reimport = false, name, log = () => {} }) {
  const db = name ?? `bench_${links}`;
  const url = maria.url(db);
  const make = () => (file ? timedImport(url, file) : (fill(url, links), undefined));
  if (!cache) {
    await maria.drop(db);
    await maria.create(db);
    return { url, importSeconds: make() };
  }
  const { default: mysql } = await import("mysql2/promise");
  const marker = async (action) => {
    const conn = await mysql.createConnection(maria.url("mysql"));
    try {
      if (action === "check") {
        const [rows] = await conn.query("select 1 from information_schema.tables where table_schema = ? and table_name = 'bench_complete'", [db]);
        return rows.length > 0;
      }
      await conn.query(action === "set" ? `create table \`${db}\`.bench_complete (x int)` : `drop table if exists \`${db}\`.bench_complete`);
    } finally {
      await conn.end();
    }
  };
  let importSeconds;
  if (reimport || !(await marker("check"))) {
    log(`importing a ${links.toLocaleString("en-US")}-link MariaDB database (cached in ${maria.base}) ...`);
    await maria.drop(db);
    await maria.create(db);
    importSeconds = make();
    await marker("set");
  }
  return { url, importSeconds };
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
    pid: child.pid,
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

/**
 * What one durable commit costs on the file system of `nextTo` (a file path):
 * the median of `n` single-row UPDATE transactions on a scratch SQLite file in
 * WAL mode, with `synchronous = FULL` (what the server uses: the WAL is
 * fsynced at every commit) and `NORMAL` (no fsync at commit). In ms.
 */
export function commitCost(nextTo, n = 2000) {
  const require = createRequire(import.meta.url);
  const Database = require("better-sqlite3");
  const file = join(dirname(nextTo), `commit-probe-${process.pid}.sqlite`);
  const out = {};
  try {
    for (const mode of ["FULL", "NORMAL"]) {
      const db = new Database(file);
      try {
        db.pragma("journal_mode = WAL");
        db.pragma(`synchronous = ${mode}`);
        db.exec("create table if not exists t (id integer primary key, v text); insert or replace into t values (1, '')");
        const begin = db.prepare("begin immediate");
        const update = db.prepare("update t set v = ? where id = 1");
        const commit = db.prepare("commit");
        const times = [];
        for (let i = 0; i < n; i++) {
          const t = performance.now();
          begin.run();
          update.run(String(i));
          commit.run();
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        out[mode.toLowerCase()] = times[Math.floor(n / 2)];
      } finally {
        db.close();
      }
    }
  } finally {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  }
  out.n = n;
  return out;
}
