// Pages in real browsers, served with a real Content-Security-Policy header:
// headless Chromium through playwright-core, headless Firefox through
// geckodriver (WebDriver). Each page leaves its report in window.__packReport.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { existsSync } from "node:fs";
import { extname, join, resolve, sep } from "node:path";
import { homedir } from "node:os";
import { CHROMIUM, CHROMIUM_ARGS } from "../shared/chromium.js";
import { freePort, start, waitFor } from "./util.mjs";

/** What the README recommends: WebAssembly may compile, nothing else is loosened. */
export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'";
/** The control: without 'wasm-unsafe-eval' the browser must refuse to compile. */
export const NO_WASM_CSP = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
};

/** Serves `{ "/prefix/": { dir, csp } }` from 127.0.0.1 on a free port. */
export async function startStaticServer(routes) {
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url, "http://localhost");
    const prefix = Object.keys(routes).find((p) => pathname.startsWith(p));
    if (!prefix) {
      res.writeHead(pathname === "/favicon.ico" ? 204 : 404).end();
      return;
    }
    const { dir, csp } = routes[prefix];
    let rel = decodeURIComponent(pathname.slice(prefix.length));
    if (rel === "" || rel.endsWith("/")) rel += "index.html";
    const root = resolve(dir);
    const file = resolve(root, rel);
    const headers = { "content-security-policy": csp, "x-content-type-options": "nosniff", "cache-control": "no-store" };
    if (!file.startsWith(root + sep)) {
      res.writeHead(403, headers).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404, headers).end("not found");
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}


/** Loads each URL in a fresh Chromium context: [{ report, csp, violations, console, errors }]. */
export async function runChromium(urls) {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const out = [];
    for (const url of urls) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const consoleLines = [];
      const errors = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") consoleLines.push(`${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => errors.push(e.message));
      // Before any page script, so a violation while loading scripts is seen too.
      await page.addInitScript(() => {
        window.__cspViolations = [];
        addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI}`), true);
      });
      const response = await page.goto(url);
      const csp = response?.headers()["content-security-policy"];
      let report;
      try {
        await page.waitForFunction(() => window.__packReport !== undefined, null, { timeout: 30_000 });
        report = await page.evaluate(() => window.__packReport);
      } catch (error) {
        report = { error: `no report: ${error.message.split("\n")[0]}` };
      }
      const early = await page.evaluate(() => window.__cspViolations ?? []);
      const violations = [...new Set([...early, ...(report.violations ?? [])])];
      out.push({ report, csp, violations, console: consoleLines, errors });
      await context.close();
    }
    return out;
  } finally {
    await browser.close();
  }
}

/** Where geckodriver and Firefox are, or why not. */
export function firefoxTools() {
  const driver = process.env.GECKODRIVER || join(homedir(), ".cargo", "bin", "geckodriver");
  const binary = ["/usr/bin/firefox-esr", "/usr/bin/firefox"].find((f) => existsSync(f));
  if (!existsSync(driver)) return { missing: `geckodriver not found at ${driver} (scripts/setup.sh installs it)` };
  if (!binary) return { missing: "firefox-esr not installed (scripts/setup.sh installs it)" };
  return { driver, binary };
}

/** Loads each URL in headless Firefox over WebDriver: [{ report, violations }]. */
export async function runFirefox(urls) {
  const { driver, binary, missing } = firefoxTools();
  if (missing) throw new Error(missing);
  const port = await freePort();
  const gecko = start(driver, ["--host", "127.0.0.1", "--port", String(port)]);
  const base = `http://127.0.0.1:${port}`;
  const wd = async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.message ?? res.status}`);
    return json.value;
  };
  let session;
  try {
    await waitFor("geckodriver", async () => ((await wd("GET", "/status")).ready ? true : undefined));
    const created = await wd("POST", "/session", {
      capabilities: {
        alwaysMatch: {
          browserName: "firefox",
          "moz:firefoxOptions": {
            binary,
            args: ["-headless"],
            prefs: { "app.update.auto": false, "datareporting.policy.dataSubmissionEnabled": false, "toolkit.telemetry.enabled": false },
          },
        },
      },
    });
    session = created.sessionId;
    const out = [];
    for (const url of urls) {
      await wd("POST", `/session/${session}/url`, { url });
      let report;
      try {
        report = await waitFor(
          "window.__packReport",
          async () => (await wd("POST", `/session/${session}/execute/sync`, { script: "return window.__packReport ?? null", args: [] })) ?? undefined,
          30_000,
        );
      } catch (error) {
        report = { error: error.message };
      }
      out.push({ report, violations: report.violations ?? [] });
    }
    return out;
  } finally {
    if (session) await wd("DELETE", `/session/${session}`).catch(() => {});
    await gecko.stop();
  }
}
