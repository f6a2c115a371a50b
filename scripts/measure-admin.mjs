#!/usr/bin/env node
// A quick measurement of the admin page on a (large) database, with the
// Playwright tooling of the admin-page test: first paint (navigation until
// the page is ready with its first page of clients) and a Save round trip
// (click until both verdicts are shown and the page's slice is reloaded).
//   node scripts/measure-admin.mjs --db sqlite:/tmp/big.sqlite [--runs 5]
import { launchChromium, startServer } from "../tests/demo/helpers.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const db = opt("--db");
const runs = Number(opt("--runs", "5"));
if (!db) throw new Error("give --db URL");
const server = startServer({ databaseUrl: db });
const browser = await launchChromium();
try {
  const url = await server.url;
  const paints = [];
  const saves = [];
  const searches = [];
  for (let run = 0; run < runs; run++) {
    const page = await browser.newPage();
    let t = performance.now();
    await page.goto(url);
    await page.waitForSelector("html[data-ready=true]", { timeout: 30000 });
    paints.push(performance.now() - t);
    // Elements are found before the clock starts: Playwright's label and role
    // locators scan every one of the page's thousands of checkboxes, which is the tool's time, not the page's.
    const row = await page.$("section.client tbody tr:not(.owner)");
    await (await row.$("input[name=invoices]")).click();
    const save = await row.$("td.actions button");
    t = performance.now();
    await save.click();
    await page.waitForSelector(".verdict .match", { timeout: 30000 });
    saves.push(performance.now() - t);
    await page.fill("#search-text", "ana.");
    const search = await page.$("#search button[type=submit]");
    t = performance.now();
    await search.click();
    await page.waitForFunction(() => document.querySelector("#status")?.textContent?.includes("matching"), null, { timeout: 30000 });
    searches.push(performance.now() - t);
    const status = await page.locator("#status").textContent();
    if (run === 0) console.log(status);
    await page.close();
  }
  const fmt = (xs) => `median ${xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(0)} ms (min ${xs[0].toFixed(0)}, max ${xs.at(-1).toFixed(0)})`;
  console.log(`${db}: first paint ${fmt(paints)}; Save round trip ${fmt(saves)}; search by email prefix "ana." ${fmt(searches)} (${runs} runs)`);
} finally {
  await browser.close();
  await server.stop();
}
