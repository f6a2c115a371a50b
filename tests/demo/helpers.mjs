// Shared by the demo and server tests and scripts/screenshot.mjs: start the
// built server on a free port with its own state file or database, run the
// built CLI, make throwaway databases on each engine, launch the system Chromium.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
