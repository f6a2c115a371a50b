// The admin page in headless Chromium (playwright-core + /usr/bin/chromium),
// on the server's default storage (a new data/whmcs.sqlite from the sample):
// one page of clients at a time, search, browser pre-validation on the page's
// slice, server verdicts side by side, and what ends up in the database.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { deleteUserClient, formatResponse, PERMISSIONS, updateUserPermissions, createClientInvite } from "whmcs-permissions";
import { exportState, importState, openAdminPage, sample, tempDir } from "./helpers.mjs";

const link = (state, user, client) => state.user_clients.find((l) => l.user_id === user && l.client_id === client);

test("admin page: pages, search, edit, owner refusal, remove, invite, mismatch warning; the database follows", async (t) => {
  const { server, db, url, page } = await openAdminPage(t);
  assert.match(server.output().stdout, /database: sqlite:data\/whmcs\.sqlite/, "the default storage");
  const posts = [];
  const gets = [];
  const problems = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (r.method() === "POST" && path === "/includes/api.php") posts.push(r.postData());
    if (r.method() === "GET") gets.push(path);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));

  // Two clients per page, so the sample's three make two pages.
  await page.goto(`${url}?per=2`);
  await page.waitForSelector("html[data-ready=true]", { timeout: 15000 });
  assert.deepEqual((await exportState(db)).user_clients, sample().user_clients, "created from the sample");
  assert.deepEqual(await page.locator("#client-1 thead th.perm").allTextContents(), [...PERMISSIONS]);
  assert.deepEqual(await page.locator("section.client").evaluateAll((s) => s.map((e) => e.id)), ["client-1", "client-2"]);
  assert.match(await page.locator("#status").textContent(), /Clients 1–2 of 3/);

  const acme = page.locator("#client-1");
  const verdict = (client) => page.locator(`#verdict-${client} .verdict`);
  const sides = async (client) => ({
    browser: await verdict(client).locator(".sides div:first-child dd").textContent(),
    server: await verdict(client).locator(".sides div:last-child dd").textContent(),
  });

  await t.test("paging: Next shows the third client, Previous the first two", async () => {
    await page.getByRole("button", { name: "Next →" }).click();
    await page.locator("#client-3").waitFor();
    assert.equal(await page.locator("section.client").count(), 1);
    assert.equal(await page.locator("#page-info").textContent(), "Page 2 of 2");
    assert.ok(await page.getByRole("button", { name: "Next →" }).isDisabled());
    await page.getByRole("button", { name: "← Previous" }).click();
    await page.locator("#client-1").waitFor();
    assert.equal(await page.locator("#page-info").textContent(), "Page 1 of 2");
  });

  await t.test("search by a user's email, a company and a client id; no match says so", async () => {
    const search = async (text) => {
      await page.getByLabel("Search clients").fill(text);
      await page.getByRole("button", { name: "Search" }).click();
      await page.waitForFunction((q) => document.querySelector("#status")?.textContent?.includes(q), text ? `matching “${text}”` : "Clients 1–2 of 3");
      return page.locator("section.client").evaluateAll((s) => s.map((e) => e.id));
    };
    assert.deepEqual(await search("FINN@"), ["client-3"]);
    assert.deepEqual(await search("glob"), ["client-2"]);
    assert.deepEqual(await search("dev@example.com"), ["client-1", "client-2"]);
    assert.deepEqual(await search("3"), ["client-3"]);
    await search("nobody-here");
    assert.match(await page.locator("#clients").textContent(), /No client matches “nobody-here”/);
    assert.deepEqual(await search(""), ["client-1", "client-2"]);
  });

  await t.test("editing a link, by keyboard: browser and server agree, the database is updated", async () => {
    const before = await exportState(db);
    const row = acme.locator('tr[data-user="1"]');
    await row.locator("input[name=invoices]").focus();
    await page.keyboard.press("Space");
    assert.equal(await row.getAttribute("class"), "dirty");
    await row.getByRole("button", { name: "Save the permissions of Ana Alves (support) on Acme Ltd" }).focus();
    await page.keyboard.press("Enter");
    await verdict(1).locator(".match").waitFor();
    const expected = updateUserPermissions(before, { user_id: "1", client_id: "1", permissions: ["profile", "invoices", "tickets"] });
    const text = formatResponse(expected.response, "json");
    assert.deepEqual(await sides(1), { browser: text, server: text });
    assert.equal(await verdict(1).locator(".match").textContent(), "Browser and server agree, byte for byte.");
    assert.equal(await verdict(1).getAttribute("class"), "verdict ok");
    assert.equal(posts.length, 1);
    assert.match(posts[0], /permissions%5B%5D=profile&permissions%5B%5D=invoices&permissions%5B%5D=tickets/);
    assert.deepEqual(await exportState(db), expected.state);
  });

  await t.test("the owner row is locked; Edit is refused in the browser and the server is never called", async () => {
    const before = await exportState(db);
    const row = acme.locator('tr[data-user="2"]');
    assert.equal(await row.getAttribute("class"), "owner");
    assert.equal(await row.locator("input:disabled:checked").count(), 13);
    await row.getByRole("button", { name: /^Edit/ }).click();
    await verdict(1).locator(".not-called").waitFor();
    const expected = updateUserPermissions(before, { user_id: "2", client_id: "1", permissions: [...PERMISSIONS] }).response;
    assert.equal(expected.message, "Permissions cannot be set on a client owner");
    assert.equal(await verdict(1).locator(".headline .message").textContent(), expected.message);
    assert.equal(await verdict(1).getAttribute("class"), "verdict error");
    await row.getByRole("button", { name: /^Remove/ }).click();
    const removeOwner = deleteUserClient(before, { user_id: "2", client_id: "1" }).response.message;
    await verdict(1).locator(".headline .message", { hasText: removeOwner }).waitFor();
    assert.equal(posts.length, 1, "no request reached the server");
    assert.deepEqual(await exportState(db), before);
  });

  await t.test("a link with no permissions checked is refused in the browser", async () => {
    const row = acme.locator('tr[data-user="5"]');
    for (const box of await row.locator("input[type=checkbox]").all()) await box.uncheck();
    await row.getByRole("button", { name: /^Save/ }).click();
    await verdict(1).locator(".headline .message", { hasText: "Missing permissions definition" }).waitFor();
    assert.equal(posts.length, 1);
  });

  await t.test("removing a link", async () => {
    const before = await exportState(db);
    await acme.locator('tr[data-user="4"]').getByRole("button", { name: /^Remove/ }).click();
    await verdict(1).locator(".match").waitFor();
    const expected = deleteUserClient(before, { user_id: "4", client_id: "1" });
    assert.equal((await sides(1)).server, formatResponse(expected.response, "json"));
    assert.equal(await acme.locator('tr[data-user="4"]').count(), 0);
    assert.equal(posts.length, 2);
    assert.equal(link(await exportState(db), 4, 1), undefined);
    assert.deepEqual(await exportState(db), expected.state);
  });

  await t.test("sending an invite; an invite for an associated user is refused in the browser", async () => {
    const before = await exportState(db);
    await page.getByLabel("Client", { exact: true }).selectOption("2");
    await page.getByLabel("Email address", { exact: true }).fill("  hana@example.com ");
    await page.locator("#invite-permissions").getByLabel("invoices").check();
    await page.getByRole("button", { name: "Send invite" }).click();
    const area = page.locator("#invite-verdict .verdict");
    await area.locator(".match").waitFor();
    const expected = createClientInvite(before, { client_id: "2", email: "  hana@example.com ", permissions: ["profile", "invoices"] });
    assert.equal(expected.response.result, "success");
    assert.equal(await area.locator(".sides div:last-child dd").textContent(), formatResponse(expected.response, "json"));
    assert.deepEqual(await exportState(db), expected.state);
    await page.locator("#client-2 .invite-list li", { hasText: "hana@example.com" }).waitFor();
    assert.equal(posts.length, 3);

    await page.getByLabel("Client", { exact: true }).selectOption("1");
    await page.getByLabel("Email address", { exact: true }).fill("BEN@example.com");
    await page.getByRole("button", { name: "Send invite" }).click();
    await area.locator(".headline .message", { hasText: "User already associated with client" }).waitFor();
    await area.locator(".not-called").waitFor();
    assert.equal(posts.length, 3);
  });

  await t.test("a stale page: the server disagrees, and the page says so", async () => {
    const res = await fetch(`${url}includes/api.php`, { method: "POST", body: new URLSearchParams({ action: "DeleteUserClient", user_id: "1", client_id: "2" }) });
    assert.equal(await res.text(), '{"result":"success"}');
    const before = await exportState(db);
    await page.locator('#client-2 tr[data-user="1"]').getByRole("button", { name: /^Save/ }).click();
    const warning = page.locator("#verdict-2 .match.mismatch");
    await warning.waitFor();
    assert.match(await warning.textContent(), /Mismatch/);
    const { browser: b, server: s } = await sides(2);
    assert.equal(b, '{"result":"success"}');
    assert.equal(s, '{"result":"error","message":"User is not associated with client"}');
    assert.deepEqual(await exportState(db), before, "nothing written on an error");
    assert.equal(await page.locator('#client-2 tr[data-user="1"]').count(), 0, "the page's slice was loaded again");
    assert.equal(posts.length, 4);
  });

  await t.test("the activity log lists every command, newest first", async () => {
    const heads = await page.locator("#log .log-head strong").allTextContents();
    assert.equal(heads[0], "UpdateUserPermissions");
    assert.ok(heads.includes("CreateClientInvite") && heads.includes("DeleteUserClient"));
    assert.ok((await page.locator("#log .tag.warn").count()) === 1);
  });

  assert.ok(!gets.includes("/api/state"), "the page never loads the whole state");
  assert.ok(gets.includes("/api/admin/clients"));
  assert.deepEqual(problems, []);
});

test("admin page, a large page: the first rows before the first paint, the rest after; a Save redraws only its row; the first page is preloaded", async (t) => {
  // One client with 80 linked users (more than the 30 rows built before the first paint), two small ones.
  const users = Array.from({ length: 83 }, (_, i) => ({ id: i + 1, email: `u${i + 1}@example.com`, firstname: `User${i + 1}`, lastname: "Test" }));
  const state = {
    users,
    clients: [
      { id: 1, owner_user_id: 1, company: "Big Co" },
      { id: 2, owner_user_id: 82, company: "Small Co" },
      { id: 3, owner_user_id: 83, company: "Tiny Co" },
    ],
    user_clients: Array.from({ length: 80 }, (_, i) => ({ user_id: i + 2, client_id: 1, permissions: ["profile"] })),
    invites: [],
  };
  const db = `sqlite:${join(tempDir(), "whmcs.sqlite")}`;
  await importState(db, state);
  const { url, page } = await openAdminPage(t, { databaseUrl: db });
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  const pages = [];
  page.on("request", (r) => new URL(r.url()).pathname === "/api/admin/clients" && pages.push(new URL(r.url()).search));

  await page.goto(url);
  await page.waitForSelector("html[data-ready=true]", { timeout: 15000 });
  await page.waitForSelector("html[data-rows=complete]");
  assert.equal(await page.locator("#client-1 tbody tr").count(), 81, "every row, in the end");
  assert.deepEqual(await page.locator("#client-1 tbody tr").evaluateAll((rs) => rs.map((r) => Number(r.dataset.user))), Array.from({ length: 81 }, (_, i) => i + 1));
  assert.equal(await page.locator("#client-2 tbody tr").count(), 1);
  assert.deepEqual(pages, ["?start=0&limit=5&search=&first=1"], "one request for the first page: the preload index.html started");

  await t.test("a Save redraws its own row only: an unsaved edit on another row survives", async () => {
    const other = page.locator('#client-1 tr[data-user="40"]');
    await other.locator("input[name=tickets]").check();
    assert.equal(await other.getAttribute("class"), "dirty");
    await other.evaluate((tr) => (tr.dataset.marked = "kept"));
    const row = page.locator('#client-1 tr[data-user="70"]');
    await row.locator("input[name=invoices]").check();
    await row.getByRole("button", { name: /^Save/ }).click();
    await page.locator("#verdict-1 .verdict .match").waitFor();
    assert.equal(await page.locator("#verdict-1 .match").textContent(), "Browser and server agree, byte for byte.");
    assert.equal(await other.getAttribute("data-marked"), "kept", "the same element");
    assert.equal(await other.getAttribute("class"), "dirty");
    assert.ok(await other.locator("input[name=tickets]").isChecked());
    assert.equal(await row.getAttribute("data-marked"), null, "the saved row is a new one");
    assert.equal((await row.getAttribute("class")) ?? "", "", "no longer dirty");
    assert.deepEqual(await row.locator("input:checked").evaluateAll((bs) => bs.map((b) => b.name)), ["profile", "invoices"]);
    const link = (await exportState(db)).user_clients.find((l) => l.user_id === 70);
    assert.deepEqual(link.permissions, ["profile", "invoices"]);
  });

  await t.test("the owner's row is locked with the core's refusal as the reason", async () => {
    const owner = page.locator('#client-1 tr[data-user="1"]');
    const expected = updateUserPermissions(state, { user_id: 1, client_id: 1, permissions: "profile" }).response.message;
    assert.equal(await owner.locator(".badge").getAttribute("title"), expected);
    assert.deepEqual(await owner.locator("input").evaluateAll((bs) => [...new Set(bs.map((b) => `${b.checked} ${b.disabled} ${b.title}`))]), [`true true ${expected}`]);
  });

  assert.deepEqual(problems, []);
});
