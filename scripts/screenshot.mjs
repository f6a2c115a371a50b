#!/usr/bin/env node
// Renders docs/admin-panel.png: the server on a new SQLite database (which
// starts as the sample), one saved edit and one edit the browser refuses, in
// headless Chromium.
// Run after `node scripts/build.mjs`.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launchChromium, root, startServer, tempDir } from "../tests/demo/helpers.mjs";

const server = startServer({ databaseUrl: `sqlite:${join(tempDir(), "whmcs.sqlite")}` });
const browser = await launchChromium();
try {
  const url = await server.url;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(url);
  await page.waitForSelector("html[data-ready=true]");
  const acme = page.locator("#client-1");
  // Ana gets invoices on Acme: checked in the browser, then on the server.
  await acme.locator('tr[data-user="1"] input[name=invoices]').check();
  await acme.locator('tr[data-user="1"]').getByRole("button", { name: /^Save/ }).click();
  await acme.locator(".verdict .match").waitFor();
  // Globex: Dev's row edited but not saved, and the owner's Edit refused in the browser.
  const globex = page.locator("#client-2");
  await globex.locator('tr[data-user="4"] input[name=quotes]').check();
  await globex.locator('tr[data-user="3"]').getByRole("button", { name: /^Edit/ }).click();
  await globex.locator(".verdict.error").waitFor();
  mkdirSync(join(root, "docs"), { recursive: true });
  const out = join(root, "docs", "admin-panel.png");
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
