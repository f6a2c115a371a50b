#!/usr/bin/env node
// A quick measurement of the admin page on a (large) database, with the
// Playwright tooling of the admin-page test:
//   first paint: navigation until the page is ready with its first page of
//     clients;
//   Save round trip: click until both verdicts are shown and the page's slice
//     is reloaded (after a permission edit on the first page).
// Each is given twice: as the test tooling sees it (wall clock in this
// process: includes Playwright's polling and its round trips to the browser)
// and as the browser painted it (Element Timing: the first client card's
// heading, the verdict; from the navigation, from the click).
// The browser's figure needs a page that marks those elements (this one's);
// it is left out for one that does not (--url: a server already running).
//   node scripts/measure-admin.mjs --db sqlite:/tmp/big.sqlite [--runs 5]
//   node scripts/measure-admin.mjs --url http://127.0.0.1:8080/ [--runs 5]
import { launchChromium, startServer } from "../tests/demo/helpers.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const db = opt("--db");
const given = opt("--url");
const runs = Number(opt("--runs", "5"));
if (!db === !given) throw new Error("give --db URL (a server is started on it) or --url URL (a server already running)");

/** The render time of the first element painted with `elementtiming="name"` after `since` (page clock); NaN when none is within 5 s. */
const painted = (page, name, since = 0) =>
  page.evaluate(
    ([name, since]) =>
      new Promise((resolve) => {
        setTimeout(() => resolve(NaN), 5000);
        const seen = (entries) => entries.find((e) => e.identifier === name && e.renderTime >= since);
        const observer = new PerformanceObserver((list) => {
          const hit = seen(list.getEntries());
          if (hit) {
            observer.disconnect();
            resolve(hit.renderTime);
          }
        });
        observer.observe({ type: "element", buffered: true });
      }),
    [name, since],
  );

const server = db ? startServer({ databaseUrl: db }) : undefined;
const browser = await launchChromium();
try {
  const url = given ?? (await server.url);
  const m = { paint: [], paintBrowser: [], save: [], saveBrowser: [], search: [] };
  for (let run = 0; run < runs; run++) {
    const page = await browser.newPage();
    let t = performance.now();
    await page.goto(url);
    await page.waitForSelector("html[data-ready=true]", { timeout: 30000 });
    m.paint.push(performance.now() - t);
    m.paintBrowser.push(await painted(page, "client-card"));
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
    m.saveBrowser.push((await painted(page, "verdict", at)) - at);
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
  const fmt = (xs) => xs.some(Number.isNaN) ? "(not marked by this page)" : `median ${xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(0)} ms (min ${xs[0].toFixed(0)}, max ${xs.at(-1).toFixed(0)})`;
  console.log(
    `${db ?? given} (${runs} runs):\n` +
      `  first paint:     as the tooling sees it ${fmt(m.paint)}; painted ${fmt(m.paintBrowser)}\n` +
      `  Save round trip: as the tooling sees it ${fmt(m.save)}; painted ${fmt(m.saveBrowser)}\n` +
      `  search by email prefix "ana.": ${fmt(m.search)}`,
  );
} finally {
  await browser.close();
  await server?.stop();
}
