#!/usr/bin/env node
// A quick measurement of the admin page on a (large) database, with the
// Playwright tooling of the admin-page test:
//   first paint: navigation until the page is ready with its first page of
//     clients (`<html data-ready>`);
//   Save round trip: click until both verdicts are shown and the page's slice
//     is reloaded (after a permission edit on the first page).
// Each is given twice: as the test tooling sees it (wall clock in this
// process, with Playwright's polling and its round trips to the browser) and
// as the browser drew it (the page's own clock, up to the end of the first
// frame after the moment: a script added before the page's own watches the
// DOM, so any version of the page can be measured, even one on a server
// already running: --url).
//   node scripts/measure-admin.mjs --db sqlite:/tmp/big.sqlite [--runs 5]
//   node scripts/measure-admin.mjs --url http://127.0.0.1:8080/ [--runs 5]
import { launchChromium, startServer } from "../tests/demo/helpers.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const db = opt("--db");
const given = opt("--url");
const runs = Number(opt("--runs", "5"));
if (!db === !given) throw new Error("give --db URL (a server is started on it) or --url URL (a server already running)");

/** In the page, before its scripts: marks `drawn:ready` and `drawn:verdict` when the frame after each moment is done. */
function watch() {
  const drawn = (name) => requestAnimationFrame(() => setTimeout(() => performance.mark(`drawn:${name}`)));
  let ready = false;
  let verdicts = 0;
  new MutationObserver(() => {
    if (!ready && document.documentElement.dataset.ready === "true") drawn("ready"), (ready = true);
    const n = document.querySelectorAll(".verdict .match").length;
    if (n > verdicts) drawn("verdict");
    verdicts = n;
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-ready"] });
}

/** The page's time of the last `drawn:name` mark (waits for it). */
const drawnAt = (page, name) =>
  page.waitForFunction((name) => performance.getEntriesByName(`drawn:${name}`).at(-1)?.startTime, name).then((h) => h.jsonValue());

const server = db ? startServer({ databaseUrl: db }) : undefined;
const browser = await launchChromium();
try {
  const url = given ?? (await server.url);
  const m = { paint: [], paintDrawn: [], save: [], saveDrawn: [], search: [] };
  for (let run = 0; run < runs; run++) {
    const page = await browser.newPage();
    await page.addInitScript(watch);
    let t = performance.now();
    await page.goto(url);
    await page.waitForSelector("html[data-ready=true]", { timeout: 30000 });
    m.paint.push(performance.now() - t);
    m.paintDrawn.push(await drawnAt(page, "ready"));
    // Elements are found before the clock starts: Playwright's label and role
    // locators scan every one of the page's thousands of checkboxes, which is the tool's time, not the page's.
    const row = await page.$("section.client tbody tr:not(.owner)");
    await (await row.$("input[name=invoices]")).click();
    const save = await row.$("td.actions button");
    const clicked = page.evaluate(() => new Promise((resolve) => addEventListener("click", (e) => resolve(e.timeStamp), { once: true, capture: true })));
    t = performance.now();
    await save.click();
    await page.waitForSelector(".verdict .match", { timeout: 30000 });
    m.save.push(performance.now() - t);
    const at = await clicked;
    m.saveDrawn.push((await drawnAt(page, "verdict")) - at);
    await page.fill("#search-text", "ana.");
    const search = await page.$("#search button[type=submit]");
    t = performance.now();
    await search.click();
    await page.waitForFunction(() => document.querySelector("#status")?.textContent?.includes("matching"), null, { timeout: 30000 });
    m.search.push(performance.now() - t);
    const status = await page.locator("#status").textContent();
    if (run === 0) console.log(status);
    await page.close();
  }
  const fmt = (xs) => `median ${xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(0)} ms (min ${xs[0].toFixed(0)}, max ${xs.at(-1).toFixed(0)})`;
  console.log(
    `${db ?? given} (${runs} runs):\n` +
      `  first paint:     as the tooling sees it ${fmt(m.paint)}; drawn ${fmt(m.paintDrawn)}\n` +
      `  Save round trip: as the tooling sees it ${fmt(m.save)}; drawn ${fmt(m.saveDrawn)}\n` +
      `  search by email prefix "ana.": ${fmt(m.search)}`,
  );
} finally {
  await browser.close();
  await server?.stop();
}
