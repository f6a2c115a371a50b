// Shared by the demo and server tests and scripts/screenshot.mjs: start the
// built server on a free port with its own state file or database, run the
// built CLI, make throwaway databases on each engine, launch the system Chromium.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatResponse, localApi } from "whmcs-permissions";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const serverPath = join(root, "target", "server", "server.mjs");
export const storagePath = join(root, "target", "server", "storage.mjs");
export const cliPath = join(root, "pkg", "cli.cjs");
export const samplePath = join(root, "examples", "sample-state.json");
export const sample = () => JSON.parse(readFileSync(samplePath, "utf8"));

import { CHROMIUM, CHROMIUM_ARGS } from "../shared/chromium.js";

export { CHROMIUM, CHROMIUM_ARGS };

const made = [];
process.once("exit", () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(prefix = "whmcs-demo-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/**
 * Starts the server (PORT=0, so the OS picks a free port) on a state file
 * or a database URL, and resolves once it prints its URL. `stop()` ends it
 * and resolves with its exit code.
 */
export function startServer({ stateFile, databaseUrl, env = {}, cwd = root } = {}) {
  if (!existsSync(serverPath)) throw new Error(`${serverPath} is missing: run \`node scripts/build.mjs\` first`);
  const child = spawn(process.execPath, [serverPath], {
    cwd,
    env: { ...process.env, PORT: "0", STATE_FILE: stateFile, DATABASE_URL: databaseUrl, API_IDENTIFIER: "", API_SECRET: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
  const ready = new Promise((resolve, reject) => {
    const check = () => {
      const m = /http:\/\/[^/\s]+:\d+\//.exec(stdout);
      if (m) {
        child.stdout.off("data", check);
        resolve(m[0]);
      }
    };
    child.stdout.on("data", check);
    exited.then(({ code }) => reject(new Error(`server exited (${code}) before it was ready:\n${stdout}${stderr}`)));
  });
  return {
    child,
    exited,
    url: ready,
    output: () => ({ stdout, stderr }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** Runs the built CLI synchronously: `{ status, stdout, stderr }`. */
export function cli(args, options = {}) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: root, encoding: "utf8", ...options });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The engines the database suites run on. MariaDB is the throwaway server
 * scripts/test.sh starts (WHMCS_TEST_MARIADB=mysql://USER:PASS@127.0.0.1:PORT);
 * without it those tests fail, never skip.
 */
export const ENGINES = ["sqlite", "mariadb"];

let dbCount = 0;
/** A new, empty database on `engine`: its URL. */
export async function freshDatabase(engine) {
  if (engine === "sqlite") return `sqlite:${join(tempDir("whmcs-db-"), "whmcs.sqlite")}`;
  const base = process.env.WHMCS_TEST_MARIADB;
  if (!base) throw new Error("WHMCS_TEST_MARIADB is not set: scripts/test.sh starts a throwaway MariaDB (scripts/mariadb-start.sh) and sets it");
  const name = `t${process.pid}_${Date.now().toString(36)}_${dbCount++}`;
  const { default: mysql } = await import("mysql2/promise");
  const conn = await mysql.createConnection(`${base}/mysql`);
  try {
    await conn.query(`create database \`${name}\``);
  } finally {
    await conn.end();
  }
  return `${base}/${name}`;
}

/** The built storage module (target/server/storage.mjs). */
export async function storageModule() {
  if (!existsSync(storagePath)) throw new Error(`${storagePath} is missing: run \`node scripts/build.mjs\` first`);
  return import(storagePath);
}

/** Runs `f(storage)` on the database at `url`, closing it after. */
export async function withStorage(url, f) {
  const { Storage, parseDatabaseUrl } = await storageModule();
  const storage = await Storage.open(parseDatabaseUrl(url));
  try {
    return await f(storage);
  } finally {
    await storage.close();
  }
}

export const importState = (url, state, options) => withStorage(url, (s) => s.importState(state, options));
export const exportState = (url) => withStorage(url, (s) => s.exportState());

/** Launches /usr/bin/chromium through playwright-core; fails loudly when it is missing. */
export async function launchChromium() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the admin-page test needs Chromium (scripts/setup.sh installs it)`);
  }
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** What the library says the endpoint must answer on `state`: localApi's outcome and the rendered body. */
export function expected(state, params, format = "json") {
  const out = localApi(typeof params.action === "string" ? params.action : "", params, state);
  return { ...out, body: formatResponse(out.response, format, params.action ?? "") };
}

/** POSTs `body` to the server's api.php; resolves with the status, content type and text. */
export const post = (url, body, headers = {}) =>
  fetch(`${url}includes/api.php`, { method: "POST", body, headers }).then(async (res) => ({
    status: res.status,
    type: res.headers.get("content-type"),
    body: await res.text(),
  }));
export const postJson = (url, params) => post(url, JSON.stringify(params), { "Content-Type": "application/json" });

/** The JSON log lines (pino on stdout) the server wrote so far. */
export const logLines = (server) =>
  server
    .output()
    .stdout.split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l));

/**
 * The admin page in a Chromium page, served by the server on `databaseUrl`,
 * or as a new user gets it: on its default storage (a new data/whmcs.sqlite
 * from the sample, in a temporary working directory). Both are stopped when
 * the test `t` ends.
 */
export async function openAdminPage(t, { databaseUrl } = {}) {
  const cwd = tempDir();
  const server = databaseUrl ? startServer({ databaseUrl }) : startServer({ cwd, env: { DATABASE_URL: "", STATE_FILE: "" } });
  const db = databaseUrl ?? `sqlite:${join(cwd, "data", "whmcs.sqlite")}`;
  const browser = await launchChromium();
  t.after(async () => {
    await browser.close();
    await server.stop();
  });
  const url = await server.url;
  const page = await browser.newPage();
  page.setDefaultTimeout(10000);
  return { server, db, browser, url, page };
}
