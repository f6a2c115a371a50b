#!/usr/bin/env node
// Renders docs/admin-panel.png (the permissions view: one saved edit and one
// edit the browser refuses) and docs/admin-users.png (the Users view: a user
// added, with both verdicts, and an edit refused in the browser for an email
// another user holds): the server on a new SQLite database (which starts as
// the sample), in headless Chromium.
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

  // The Users view, four users a page: Hana added (browser and server agree on her id), then Cleo's email changed to Ben's.
  await page.goto(`${url}?per=4#users`);
  await page.waitForSelector("html[data-ready=true]");
  const add = page.locator("#add-user");
  for (const [label, value] of [["First name", "Hana"], ["Last name", "Huang"], ["Email", "hana@example.com"], ["Password", "correct horse battery"], ["Language (optional)", "english"]]) {
    await add.getByLabel(label, { exact: true }).fill(value);
  }
  await add.getByRole("button", { name: "Add user" }).click();
  await page.locator("#add-verdict .verdict .match").waitFor();
  await page.getByRole("button", { name: /^Edit user #3 / }).click();
  await page.locator("#edit-user").getByLabel("Email").fill("ben@example.com");
  await page.locator("#edit-user").getByRole("button", { name: "Save user" }).click();
  await page.locator("#edit-verdict .verdict.error").waitFor();
  const users = join(root, "docs", "admin-users.png");
  await page.screenshot({ path: users, fullPage: true });
  console.log(`wrote ${users}`);
} finally {
  await browser.close();
  await server.stop();
}
