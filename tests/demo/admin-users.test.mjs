// The admin page's Users view in headless Chromium (playwright-core +
// /usr/bin/chromium), on the server's default storage (a new
// data/whmcs.sqlite from the sample): GetUsers paged, searched and sorted;
// AddUser, UpdateUser and ResetPassword checked in the browser on the slice
// the server hands over (POST /api/slice), every error inline with the
// server not called, then both verdicts side by side; what ends up in the
// database and the server's log; no password anywhere. Also the /api/slice
// route on its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { join } from "node:path";
import { addUser, formatResponse, getUsers, getUsersPage, localApi, readPlan, resetPassword, updateUser } from "whmcs-permissions";
import { exportState, importState, logLines, openAdminPage, sample, startServer, tempDir, withStorage } from "./helpers.mjs";

const PASSWORD = "Pässwörd-Secr3t-42";
const MAX_ID = Number.MAX_SAFE_INTEGER;

/** Waits until the server's log holds `n` api-call lines for `command` (the pipe is asynchronous). */
async function callsLogged(server, command, n) {
  for (let i = 0; i < 100; i++) {
    const lines = logLines(server).filter((l) => l.msg === "api call" && l.command === command);
    if (lines.length >= n) return lines;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`expected ${n} ${command} log lines:\n${server.output().stdout}`);
}

test("admin page, Users view: list, pages, search, sort; add, edit and reset checked in the browser first; the database and the log follow", async (t) => {
  const { server, db, url, page } = await openAdminPage(t);
  const api = [];
  const slices = [];
  const requests = [];
  const bodies = [];
  const problems = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    requests.push(`${r.method()} ${path}`);
    if (r.method() === "POST" && path === "/includes/api.php") api.push(new URLSearchParams(r.postData()));
    if (path === "/api/slice") slices.push(new URLSearchParams(r.postData()));
  });
  page.on("response", (r) => {
    const path = new URL(r.url()).pathname;
    if (path !== "/pkg/whmcs_permissions_bg.wasm") bodies.push(r.text().catch(() => ""));
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  const sent = (action) => api.filter((p) => p.get("action") === action);

  // Two users per page: the sample's six make three pages.
  await page.goto(`${url}?per=2#users`);
  await page.waitForSelector("html[data-ready=true]", { timeout: 15000 });
  assert.equal(await page.getByRole("tab", { name: "Users" }).getAttribute("aria-selected"), "true");
  assert.ok(await page.locator("#view-permissions").isHidden());

  const rows = () => page.locator("#users-rows tr[data-user]").evaluateAll((rs) => rs.map((r) => Number(r.dataset.user)));
  const summary = (text) => page.waitForFunction((s) => document.querySelector("#users-summary")?.textContent === s, text);
  const verdict = (area) => page.locator(`#${area} .verdict`);
  const sides = async (area) => ({
    browser: await verdict(area).locator(".sides div:first-child dd").textContent(),
    server: await verdict(area).locator(".sides div:last-child dd").textContent(),
  });
  const search = async (text, shown) => {
    await page.getByLabel("Search users").fill(text);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await summary(shown);
    return rows();
  };

  await t.test("the first page: each user's id, names, email, language and clients, as GetUsers and the slice give them", async () => {
    await summary("Users 1–2 of 6, by id ascending");
    assert.deepEqual(await rows(), [1, 2]);
    const state = await exportState(db);
    const expected = getUsers(state, { limitstart: 0, limitnum: 2 });
    for (const user of expected.users) {
      const row = page.locator(`#users-rows tr[data-user="${user.id}"]`);
      const record = state.users.find((u) => u.id === user.id);
      assert.equal(await row.locator("td.id").textContent(), `#${user.id}`);
      assert.equal(await row.locator("th.name").textContent(), `${user.firstname} ${user.lastname}`);
      assert.equal(await row.locator("td.email").textContent(), user.email);
      assert.equal(await row.locator("td.language").textContent(), record.language);
      const chips = await row.locator(".chip").evaluateAll((cs) => cs.map((c) => c.getAttribute("aria-label")));
      assert.deepEqual(
        chips,
        user.clients.map((c) => `${state.clients.find((x) => x.id === c.id).company} (client #${c.id}, ${c.isOwner ? "owner" : "linked"}): show its permissions`),
      );
    }
    assert.equal(await page.locator('#users-rows tr[data-user="2"] .chip .badge').textContent(), "Owner");
    assert.equal(await page.locator("#users-check").textContent(), "GetUsers: the browser's page (from the slice) and the server's agree, byte for byte.");
    assert.match(await page.locator("#status").textContent(), /Users 1–2 of 6/);
    const get = sent("GetUsers").at(-1);
    assert.deepEqual(Object.fromEntries(get), { action: "GetUsers", limitstart: "0", limitnum: "2", sorting: "ASC", search: "", responsetype: "json" });
  });

  await t.test("paging: Next, Next, Previous; the pager knows the ends", async () => {
    await page.getByRole("button", { name: "Next →" }).click();
    await summary("Users 3–4 of 6, by id ascending");
    assert.deepEqual(await rows(), [3, 4]);
    await page.getByRole("button", { name: "Next →" }).click();
    await summary("Users 5–6 of 6, by id ascending");
    assert.deepEqual(await rows(), [5, 6]);
    assert.equal(await page.locator("#users-page-info").textContent(), "Page 3 of 3");
    assert.ok(await page.getByRole("button", { name: "Next →" }).isDisabled());
    await page.getByRole("button", { name: "← Previous" }).click();
    await summary("Users 3–4 of 6, by id ascending");
    assert.equal(sent("GetUsers").at(-1).get("limitstart"), "2");
  });

  await t.test("sorting by id: descending, then ascending again, from the first page", async () => {
    const sort = page.locator("#users-sort");
    assert.equal(await sort.getAttribute("aria-label"), "Sort by id, descending");
    await sort.click();
    await summary("Users 1–2 of 6, by id descending");
    assert.deepEqual(await rows(), [6, 5]);
    assert.equal(await page.locator("th.id").getAttribute("aria-sort"), "descending");
    assert.equal(sent("GetUsers").at(-1).get("sorting"), "DESC");
    await page.getByRole("button", { name: "Next →" }).click();
    await summary("Users 3–4 of 6, by id descending");
    assert.deepEqual(await rows(), [4, 3]);
    await page.getByRole("button", { name: "Sort by id, ascending" }).click();
    await summary("Users 1–2 of 6, by id ascending");
    assert.deepEqual(await rows(), [1, 2]);
  });

  await t.test("search: an email prefix, a last name, “first last”; no match says so", async () => {
    assert.deepEqual(await search("  FINN@", "Users 1–1 of 1 matching “  FINN@”, by id ascending"), [6]);
    assert.deepEqual(await search("carter", "Users 1–1 of 1 matching “carter”, by id ascending"), [3]);
    assert.deepEqual(await search("Dev De", "Users 1–1 of 1 matching “Dev De”, by id ascending"), [4]);
    assert.deepEqual(await search("EVANS", "Users 1–1 of 1 matching “EVANS”, by id ascending"), [5]);
    assert.deepEqual(await search("nobody", "Users 0–0 of 0 matching “nobody”, by id ascending"), []);
    assert.equal(await page.locator("#users-rows td.empty").textContent(), "No user matches “nobody”.");
    assert.equal(sent("GetUsers").at(-1).get("search"), "nobody");
    await search("", "Users 1–2 of 6, by id ascending");
  });

  const valid = { firstname: "Änne", lastname: "Müller", email: "änne@example.com", password2: PASSWORD, language: "german" };
  const fillAdd = async (fields) => {
    for (const [label, key] of [["First name", "firstname"], ["Last name", "lastname"], ["Email", "email"], ["Password", "password2"], ["Language (optional)", "language"]]) {
      await page.locator("#add-user").getByLabel(label, { exact: true }).fill(fields[key] ?? "");
    }
  };
  /**
   * Submits the add form and waits for the browser's refusal: the exact message, the server not called, nothing written.
   * `reads`: whether the check needs records (the core's read plan names some), fetched as a slice without the password;
   * when it names none, the page sends no request at all.
   */
  const addRefused = async (fields, message, { reads = false } = {}) => {
    const before = await exportState(db);
    const params = { action: "AddUser", firstname: "", lastname: "", email: "", password2: "", ...fields };
    if (!fields.language) delete params.language;
    const expected = addUser(before, params).response;
    assert.equal(expected.message, message, "the core's message for these params");
    assert.equal(readPlan("AddUser", params).max_user_id, reads, "what the core's plan says the check reads");
    await fillAdd(fields);
    const requestsBefore = requests.length;
    await page.getByRole("button", { name: "Add user" }).click();
    await verdict("add-verdict").locator(".headline .message", { hasText: message }).waitFor();
    const sentNow = requests.slice(requestsBefore);
    assert.equal(await verdict("add-verdict").locator(".headline .message").textContent(), message);
    assert.equal(await verdict("add-verdict").getAttribute("class"), "verdict error");
    assert.equal(await verdict("add-verdict").locator(".not-called").textContent(), "not called: the browser already refused this edit");
    assert.equal(await verdict("add-verdict").locator(".sides div:first-child dd").textContent(), formatResponse(expected, "json"));
    if (reads) {
      assert.deepEqual(sentNow, ["POST /api/slice"], "only the records the check reads were asked for");
      assert.equal(slices.at(-1).get("action"), "AddUser");
      assert.equal(slices.at(-1).has("password2"), false, "the password is not sent for the slice");
    } else {
      assert.deepEqual(sentNow, [], "no request at all: the params alone decide");
    }
    assert.equal(sent("AddUser").length, 0, "api.php was not called");
    assert.deepEqual(await exportState(db), before, "nothing written");
  };

  await t.test("AddUser: every error in turn, inline from the browser's check; the server is never called", async () => {
    await addRefused({}, "You did not enter a first name");
    await addRefused({ firstname: "   " }, "You did not enter a first name");
    await addRefused({ firstname: "Änne" }, "You did not enter a last name");
    await addRefused({ firstname: "Änne", lastname: "Müller" }, "You did not enter an email address");
    await addRefused({ firstname: "Änne", lastname: "Müller", email: "änne@example" }, "You did not enter a password");
    // A valid email: the plan reads its users (the password is never part of a plan), so the page asks for them first.
    await addRefused({ firstname: "Änne", lastname: "Müller", email: "änne@example.com" }, "You did not enter a password", { reads: true });
    await addRefused({ firstname: "Änne", lastname: "Müller", email: "änne@example", password2: PASSWORD }, "The email address entered is not valid");
    await addRefused({ ...valid, email: " ANA@Example.com " }, "A user already exists with that email address", { reads: true });
    // The largest id in use is 2^53-1 (a row added behind the page's back): the slice holds it, so the browser knows.
    const original = await exportState(db);
    await importState(db, { ...original, users: [...original.users, { id: MAX_ID, email: "last@example.com" }] }, { replace: true });
    await addRefused(valid, "User ID limit reached", { reads: true });
    await importState(db, original, { replace: true });
    assert.deepEqual(await exportState(db), original);
    assert.equal((await callsLogged(server, "GetUsers", 1)).length > 0, true);
    assert.equal(logLines(server).filter((l) => l.command === "AddUser").length, 0, "no AddUser reached the server's log");
  });

  await t.test("AddUser, by keyboard: browser and server agree byte for byte on the new id; the user is in the list and the database", async () => {
    const before = await exportState(db);
    const expected = addUser(before, { action: "AddUser", ...valid });
    assert.equal(formatResponse(expected.response, "json"), '{"result":"success","user_id":"7"}');
    await fillAdd(valid);
    await page.locator("#add-language").focus();
    await page.keyboard.press("Enter");
    await verdict("add-verdict").locator(".match").waitFor();
    const text = formatResponse(expected.response, "json");
    assert.deepEqual(await sides("add-verdict"), { browser: text, server: text });
    assert.equal(await verdict("add-verdict").locator(".match").textContent(), "Browser and server agree, byte for byte.");
    assert.equal(await verdict("add-verdict").getAttribute("class"), "verdict ok");
    assert.match(await verdict("add-verdict").locator(".headline").textContent(), /1 change saved · user #7 added \(the browser predicted #7\)/);
    assert.equal(sent("AddUser").length, 1);
    assert.equal(sent("AddUser")[0].get("password2"), PASSWORD, "api.php gets the password");
    assert.deepEqual(await exportState(db), expected.state);
    const stored = await withStorage(db, (s) => s.kysely.selectFrom("tblusers").select(["password"]).where("id", "=", 7).executeTakeFirst());
    assert.match(stored.password, /^scrypt\$/);
    assert.equal(await page.locator("#add-password").inputValue(), "", "the form is cleared");
    const [line] = await callsLogged(server, "AddUser", 1);
    assert.deepEqual(line.changes, expected.changes);
    // In the list: searched with a different case in Unicode only (Ä/ä).
    assert.deepEqual(await search("ÄNNE", "Users 1–1 of 1 matching “ÄNNE”, by id ascending"), [7]);
    const row = page.locator('#users-rows tr[data-user="7"]');
    assert.equal(await row.locator("td.email").textContent(), "änne@example.com");
    assert.equal(await row.locator("th.name").textContent(), "Änne Müller");
    assert.equal(await row.locator("td.language").textContent(), "german");
    assert.equal(await row.locator("td.user-clients").textContent(), "none");
    assert.deepEqual(await search("änne mü", "Users 1–1 of 1 matching “änne mü”, by id ascending"), [7]);
    await search("", "Users 1–2 of 7, by id ascending");
  });

  /** Opens user `id`'s edit form from the list (searched by email). */
  const openEditor = async (id, email) => {
    await search(email, `Users 1–1 of 1 matching “${email}”, by id ascending`);
    await page.getByRole("button", { name: new RegExp(`^Edit user #${id} `) }).click();
    await page.locator("#edit-user").waitFor();
    assert.equal(await page.locator("#edit-title").textContent(), `Edit user #${id}`);
  };
  const edit = page.locator("#edit-user");
  const editRefused = async (params, message) => {
    const before = await exportState(db);
    assert.equal(updateUser(before, { action: "UpdateUser", ...params }).response.message, message);
    const calls = sent("UpdateUser").length;
    await edit.getByRole("button", { name: "Save user" }).click();
    await verdict("edit-verdict").locator(".headline .message", { hasText: message }).waitFor();
    assert.equal(await verdict("edit-verdict").locator(".headline .message").textContent(), message);
    await verdict("edit-verdict").locator(".not-called").waitFor();
    assert.equal(slices.at(-1).get("action"), "UpdateUser");
    assert.deepEqual(Object.fromEntries(slices.at(-1)), { action: "UpdateUser", ...params });
    assert.equal(sent("UpdateUser").length, calls, "api.php was not called");
    assert.deepEqual(await exportState(db), before);
  };

  await t.test("UpdateUser: nothing changed, an invalid email, another user's email, a user gone meanwhile: inline, the server not called", async () => {
    await openEditor(3, "cleo@");
    assert.deepEqual(
      await Promise.all(["firstname", "lastname", "email", "language"].map((f) => page.locator(`#edit-${f}`).inputValue())),
      ["Cleo", "Carter", "cleo@example.com", ""],
    );
    assert.equal(await page.evaluate(() => document.activeElement?.id), "edit-firstname", "focus moves into the form");
    await editRefused({ user_id: "3" }, "One of `email`, `firstname`, `lastname`, or `language` is required");
    await edit.getByLabel("Email").fill("cleo at example.com");
    await editRefused({ user_id: "3", email: "cleo at example.com" }, "The email address entered is not valid");
    await edit.getByLabel("Email").fill("BEN@example.com");
    await edit.getByLabel("First name").fill("Cleopatra");
    await editRefused({ user_id: "3", firstname: "Cleopatra", email: "BEN@example.com" }, "A user already exists with that email address");
    // Finn is deleted behind the page's back while his form is open: the slice no longer holds him.
    const original = await exportState(db);
    await openEditor(6, "finn@");
    await importState(db, { ...original, users: original.users.filter((u) => u.id !== 6), user_clients: original.user_clients.filter((l) => l.user_id !== 6) }, { replace: true });
    await edit.getByLabel("Language").fill("danish");
    await editRefused({ user_id: "6", language: "danish" }, "Invalid User ID requested");
    await importState(db, original, { replace: true });
    assert.equal(logLines(server).filter((l) => l.command === "UpdateUser").length, 0);
  });

  await t.test("UpdateUser: a change of case of one's own email is a change; only changed fields are sent; Enter saves, Esc closes", async () => {
    await openEditor(3, "cleo@");
    const before = await exportState(db);
    const params = { action: "UpdateUser", user_id: "3", email: "Cleo@Example.com" };
    const expected = updateUser(before, params);
    assert.equal(expected.changes.length, 1);
    await edit.getByLabel("Email").fill("Cleo@Example.com");
    await page.keyboard.press("Enter");
    await verdict("edit-verdict").locator(".match").waitFor();
    const text = formatResponse(expected.response, "json");
    assert.equal(text, '{"result":"success","user_id":"3"}');
    assert.deepEqual(await sides("edit-verdict"), { browser: text, server: text });
    assert.match(await verdict("edit-verdict").locator(".headline").textContent(), /1 change saved/);
    assert.deepEqual(Object.fromEntries(sent("UpdateUser").at(-1)), { ...params, responsetype: "json" }, "only the email was sent");
    assert.deepEqual(await exportState(db), expected.state);
    const [line] = await callsLogged(server, "UpdateUser", 1);
    assert.deepEqual(line.changes, [{ op: "update_user", user_id: 3, before: { email: "cleo@example.com" }, after: { email: "Cleo@Example.com" } }]);
    // The form now holds what the server holds: a second Save sends nothing changed, and the browser says so.
    assert.equal(await page.locator("#edit-email").inputValue(), "Cleo@Example.com");
    await editRefused({ user_id: "3" }, "One of `email`, `firstname`, `lastname`, or `language` is required");
    // A language only.
    await edit.getByLabel("Language").fill("french");
    await edit.getByRole("button", { name: "Save user" }).click();
    await verdict("edit-verdict").locator(".match").waitFor();
    assert.deepEqual(Object.fromEntries(sent("UpdateUser").at(-1)), { action: "UpdateUser", user_id: "3", language: "french", responsetype: "json" });
    await search("cleo@", "Users 1–1 of 1 matching “cleo@”, by id ascending");
    assert.equal(await page.locator('#users-rows tr[data-user="3"] td.language').textContent(), "french");
    assert.equal((await exportState(db)).users.find((u) => u.id === 3).language, "french");
    await page.getByRole("button", { name: /^Edit user #3 / }).click();
    await page.keyboard.press("Escape");
    assert.ok(await edit.isHidden());
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Edit user #3 (Cleo@Example.com)", "focus goes back");
  });

  await t.test("ResetPassword: success in both; the server's log line holds the reset_password change and no password", async () => {
    await search("ben@", "Users 1–1 of 1 matching “ben@”, by id ascending");
    const before = await exportState(db);
    const expected = resetPassword(before, { id: "2" });
    await page.getByRole("button", { name: "Reset the password of user #2 (ben@example.com)" }).click();
    await verdict("users-verdict").locator(".match").waitFor();
    const text = formatResponse(expected.response, "json");
    assert.deepEqual(await sides("users-verdict"), { browser: text, server: text });
    assert.equal(await verdict("users-verdict").getAttribute("class"), "verdict ok");
    assert.deepEqual(Object.fromEntries(sent("ResetPassword").at(-1)), { action: "ResetPassword", id: "2", responsetype: "json" });
    const [line] = await callsLogged(server, "ResetPassword", 1);
    assert.deepEqual(line.changes, [{ op: "reset_password", user_id: 2 }]);
    assert.deepEqual(line.verdict, { result: "success" });
    const row = await withStorage(db, (s) => s.kysely.selectFrom("tblusers").select(["reset_token"]).where("id", "=", 2).executeTakeFirst());
    assert.match(row.reset_token, /^[0-9a-f]{64}$/);
    assert.deepEqual(await exportState(db), before, "the state is unchanged");

    // Finn is deleted behind the page's back: the browser finds no such user in the slice, and says so inline.
    await search("finn@", "Users 1–1 of 1 matching “finn@”, by id ascending");
    const original = await exportState(db);
    await importState(db, { ...original, users: original.users.filter((u) => u.id !== 6), user_clients: original.user_clients.filter((l) => l.user_id !== 6) }, { replace: true });
    const message = resetPassword(await exportState(db), { id: "6" }).response.message;
    assert.equal(message, "User Not Found");
    const calls = sent("ResetPassword").length;
    await page.getByRole("button", { name: "Reset the password of user #6 (finn@example.com)" }).click();
    await verdict("users-verdict").locator(".headline .message", { hasText: message }).waitFor();
    await verdict("users-verdict").locator(".not-called").waitFor();
    assert.deepEqual(Object.fromEntries(slices.at(-1)), { action: "ResetPassword", id: "6" });
    assert.equal(sent("ResetPassword").length, calls, "api.php was not called");
    await importState(db, original, { replace: true });
    await search("ben@", "Users 1–1 of 1 matching “ben@”, by id ascending");
  });

  await t.test("a client in a user's list opens the Permissions view on that client", async () => {
    await page.getByRole("button", { name: "Acme Ltd (client #1, owner): show its permissions" }).click();
    await page.waitForFunction(() => document.querySelector("#status")?.textContent?.includes("matching “1”"));
    assert.deepEqual(await page.locator("section.client").evaluateAll((s) => s.map((e) => e.id)), ["client-1"]);
    assert.equal(await page.getByRole("tab", { name: "Permissions" }).getAttribute("aria-selected"), "true");
    assert.ok(await page.locator("#view-users").isHidden());
    // The tabs by keyboard: the arrow key selects the other one.
    await page.keyboard.press("ArrowRight");
    await summary("Users 1–1 of 1 matching “ben@”, by id ascending");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "tab-users");
  });

  await t.test("no password in any response, in the page's text or the activity log, or in the server's log", async () => {
    const texts = await Promise.all(bodies);
    assert.ok(texts.length > 20);
    for (const body of texts) assert.ok(!body.includes(PASSWORD), "a response held the password");
    const pageText = await page.evaluate(() => document.body.textContent);
    assert.ok(!pageText.includes(PASSWORD));
    assert.match(pageText, /"password2":"\(hidden\)"/, "the activity log shows that a password was sent, not what it is");
    assert.ok(!server.output().stdout.includes(PASSWORD) && !server.output().stderr.includes(PASSWORD));
    assert.ok(slices.every((s) => !s.has("password2")));
    assert.ok(!api.some((p) => p.get("action") === "GetUsers" && p.has("password2")));
  });

  assert.deepEqual(problems, []);
});

test("POST /api/slice: the rows the core's read plan names, as a valid state; read-only, same checks as the other routes", async (t) => {
  const stateFile = join(tempDir(), "state.json");
  const open = startServer({ stateFile });
  const locked = startServer({ databaseUrl: `sqlite:${join(tempDir(), "whmcs.sqlite")}`, env: { API_IDENTIFIER: "id-1", API_SECRET: "s3cret" } });
  t.after(async () => {
    await open.stop();
    await locked.stop();
  });
  const url = await open.url;
  const post = (params, init = {}, base = url) => fetch(`${base}api/slice`, { method: "POST", body: new URLSearchParams(params), ...init });
  const state = localApi("GetPermissionsList", {}, sample()).state;

  await t.test("each command's slice gives the whole state's answer; GetUsers carries the database's count", async () => {
    const cases = [
      { action: "UpdateUserPermissions", user_id: "1", client_id: "2", permissions: "profile" },
      { action: "deleteuserclient", user_id: "2", client_id: "1" },
      { action: "CreateClientInvite", client_id: "1", email: "DEV@example.com", permissions: "profile" },
      { action: "AddUser", firstname: "A", lastname: "B", email: "EVE@example.com", password2: "x" },
      { action: "AddUser", firstname: "A", lastname: "B", email: "new@example.com", password2: "x" },
      { action: "UpdateUser", user_id: "4", email: "ANA@example.com" },
      { action: "ResetPassword", email: "finn@example.com" },
      { action: "GetUserPermissions", user_id: "2", client_id: "1" },
      { action: "Nope" },
    ];
    for (const params of cases) {
      const res = await post(params);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "application/json");
      const answer = await res.json();
      assert.equal(answer.command, readPlan(params.action, params).command);
      assert.ok(answer.state.users.length < state.users.length || params.action === "UpdateUser", JSON.stringify(params));
      const onSlice = localApi(params.action, params, answer.state);
      const whole = localApi(params.action, params, state);
      assert.equal(formatResponse(onSlice.response, "json"), formatResponse(whole.response, "json"), JSON.stringify(params));
      assert.deepEqual(onSlice.changes, whole.changes, JSON.stringify(params));
      assert.equal(answer.totalresults, undefined);
    }
    const page = await (await post({ action: "GetUsers", limitnum: "2", limitstart: "1", sorting: "desc" })).json();
    assert.equal(page.totalresults, 6);
    assert.deepEqual(page.state.users.map((u) => u.id).sort(), [4, 5], "the page's users (in the table's order)");
    assert.equal(formatResponse(getUsersPage(page.state, { limitnum: "2", limitstart: "1", sorting: "desc" }, page.totalresults), "json"),
      formatResponse(getUsers(state, { limitnum: "2", limitstart: "1", sorting: "desc" }), "json"));
    assert.deepEqual((await post({ action: "Nope" }).then((r) => r.json())).state, { users: [], clients: [], user_clients: [], invites: [] });
  });

  await t.test("it runs and writes nothing, logs nothing, and never answers with the password", async () => {
    const before = await (await fetch(`${url}api/state`)).text();
    const res = await post({ action: "AddUser", firstname: "A", lastname: "B", email: "new@example.com", password2: PASSWORD });
    assert.ok(!(await res.text()).includes(PASSWORD));
    assert.equal(await (await fetch(`${url}api/state`)).text(), before);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!open.output().stdout.includes("AddUser"), "no log line");
    assert.ok(!open.output().stdout.includes(PASSWORD));
  });

  await t.test("POST only; the Host/Origin checks; credentials as HTTP Basic or identifier/secret", async () => {
    assert.equal((await fetch(`${url}api/slice`)).status, 405);
    assert.equal((await post({ action: "GetUsers" }, { headers: { Origin: "https://evil.example" } })).status, 403);
    // node:http, not fetch: fetch does not let a caller set Host.
    const foreignHost = await new Promise((resolve, reject) => {
      const req = request(`${url}api/slice`, { method: "POST", headers: { Host: "evil.example" } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
      });
      req.on("error", reject);
      req.end("action=GetUsers");
    });
    assert.equal(foreignHost, 403);
    const base = await locked.url;
    assert.equal((await post({ action: "GetUsers" }, {}, base)).status, 401);
    assert.equal((await post({ action: "GetUsers", identifier: "id-1", secret: "wrong" }, {}, base)).status, 401);
    assert.equal((await post({ action: "GetUsers", identifier: "id-1", secret: "s3cret" }, {}, base)).status, 200);
    const basic = { Authorization: `Basic ${Buffer.from("id-1:s3cret").toString("base64")}` };
    const answer = await (await post({ action: "GetUsers" }, { headers: basic }, base)).json();
    assert.equal(answer.totalresults, 6);
    assert.equal((await post("not=a&form", { headers: { ...basic, "Content-Type": "application/json" } }, base)).status, 400);
  });
});
