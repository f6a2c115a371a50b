// Small helpers shared by the pack test's runtimes.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value other than undefined, or throws after `ms`. */
export async function waitFor(what, probe, ms = 20_000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

/**
 * Runs a command to completion (killed after `timeout` ms): { code, stdout, stderr }.
 * Never throws for a non-zero exit; the caller reads the code.
 */
export function run(cmd, args, { cwd, env, timeout = 120_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeout} ms]`;
      child.kill("SIGKILL");
    }, timeout);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: `${stderr}${error.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
  });
}

/** Starts a long-running process; `stop()` ends exactly that process and waits for it. */
export function start(cmd, args, { cwd, env } = {}) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise((r) => child.on("close", r));
  child.on("error", (error) => (output += error.message));
  return {
    output: () => output,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

/** The one `PACK-REPORT {json}` line a probe prints. */
export function parseReport(stdout) {
  const line = stdout.split("\n").find((l) => l.startsWith("PACK-REPORT "));
  if (!line) throw new Error("no PACK-REPORT line");
  return JSON.parse(line.slice("PACK-REPORT ".length));
}

/** The last lines of a text, for a failure message. */
export const tail = (text, n = 12) => text.trim().split("\n").slice(-n).join("\n");

/** A path or file URL inside the installed package, relative to it (`pkg/node.mjs`). */
export const pkgPath = (p) => {
  if (typeof p !== "string") return String(p);
  const path = p.startsWith("file:") ? fileURLToPath(p) : p;
  const i = path.lastIndexOf("node_modules/whmcs-permissions/");
  return i < 0 ? path : path.slice(i + "node_modules/whmcs-permissions/".length);
};
