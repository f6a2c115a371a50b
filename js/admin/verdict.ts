/**
 * One command, checked twice: in the browser by the WebAssembly module
 * first, then (unless the browser refused it) by the server. The verdict
 * component shows both answers side by side and whether they agree byte for
 * byte; the activity log keeps the last few. Every WHMCS message here is the
 * module's or the server's, set as text.
 */
import { formatResponse, localApi, type ApiResponse, type CanonicalState, type Outcome } from "whmcs-permissions";
import { $, h } from "./dom.js";
import { callServer, type Params, type ServerAnswer } from "./net.js";

export interface Verdict {
  command: string;
  subject: string;
  browser: ApiResponse;
  browserText: string;
  server?: ServerAnswer;
  answersMatch?: boolean;
  /** Whether the server's records, read back, are the ones the browser computed (undefined: not checked). */
  statesMatch?: boolean;
  changes?: number;
  /** A note after the headline (e.g. the new user's id, as the browser predicted it). */
  detail?: string;
}

export interface Checked {
  verdict: Verdict;
  /** The browser's outcome on the slice. */
  local: Outcome;
}

/**
 * Runs `params` through the module on `slice`; on an error, shows it in
 * `area` and stops (the server is not called). Otherwise posts the same
 * params to api.php and returns both answers, for the caller to reload,
 * compare what it can, and `showVerdict`.
 */
export async function checkThenSend(params: Params, slice: CanonicalState, area: HTMLElement, subject: string): Promise<Checked | undefined> {
  const command = params.action as string;
  const local = localApi(command, params, slice);
  const browserText = formatResponse(local.response, "json", command);
  if (local.response.result === "error") {
    showVerdict(area, { command, subject, browser: local.response, browserText });
    log({ command, params, browserText });
    return undefined;
  }
  const server = await callServer(params);
  const answersMatch = server.text === browserText;
  log({ command, params, browserText, server, answersMatch });
  return { verdict: { command, subject, browser: local.response, browserText, server, answersMatch, changes: local.changes.length }, local };
}

/** An answer as code that may wrap after its commas (a `<wbr>` each: the text stays the same, byte for byte). */
function answer(text: string): HTMLElement {
  const code = h("code");
  text.split(",").forEach((part, i) => {
    if (i > 0) code.append(",", h("wbr"));
    code.append(part);
  });
  return code;
}

export function showVerdict(area: HTMLElement, v: Verdict) {
  const refused = v.browser.result === "error";
  const mismatch = v.server !== undefined && (!v.answersMatch || v.statesMatch === false);
  const kind = mismatch ? "warn" : refused ? "error" : "ok";
  const headline = refused
    ? h("p", { class: "headline" }, h("span", { class: "icon", "aria-hidden": "true" }, "✕"), h("span", { class: "message" }, (v.browser as { message: string }).message))
    : h(
        "p",
        { class: "headline" },
        h("span", { class: "icon", "aria-hidden": "true" }, "✓"),
        h("span", { class: "message" }, v.browser.result),
        h("span", { class: "muted" }, v.changes ? ` · ${v.changes} change${v.changes > 1 ? "s" : ""} saved` : " · nothing to change"),
        v.detail && h("span", { class: "muted detail" }, ` · ${v.detail}`),
      );
  const serverSide = v.server
    ? answer(v.server.status === 200 ? v.server.text : `HTTP ${v.server.status} · ${v.server.text}`)
    : h("span", { class: "not-called" }, "not called: the browser already refused this edit");
  const note = !v.server
    ? null
    : mismatch
      ? h(
          "p",
          { class: "match mismatch", role: "alert" },
          h("strong", {}, "⚠ Mismatch: "),
          !v.answersMatch
            ? "the server answered differently from the browser. The page's copy of the state was probably stale; it has been reloaded."
            : "the answers agree, but the server's state differs from the one the browser computed.",
        )
      : h("p", { class: "match" }, "Browser and server agree, byte for byte.");
  area.replaceChildren(
    h(
      "div",
      { class: `verdict ${kind}` },
      h("p", { class: "subject" }, h("strong", {}, v.command), ` · ${v.subject}`),
      headline,
      h(
        "dl",
        { class: "sides" },
        h("div", {}, h("dt", {}, "Browser (WASM)"), h("dd", {}, answer(v.browserText))),
        h("div", {}, h("dt", {}, "Server"), h("dd", {}, serverSide)),
      ),
      note,
    ),
  );
}

/** Params as the log shows them: a password is never shown. */
const shown = (params: Params): Params => ("password2" in params ? { ...params, password2: "(hidden)" } : params);

export function log(entry: { command: string; params: Params; browserText: string; server?: ServerAnswer; answersMatch?: boolean }) {
  const list = $("log");
  const time = new Date().toLocaleTimeString();
  const outcome = !entry.server
    ? h("span", { class: "tag error" }, "server not called")
    : entry.answersMatch
      ? h("span", { class: "tag ok" }, "match")
      : h("span", { class: "tag warn" }, "mismatch");
  list.prepend(
    h(
      "li",
      {},
      h("div", { class: "log-head" }, h("time", {}, time), h("strong", {}, entry.command), outcome),
      h("code", { class: "params" }, JSON.stringify(shown(entry.params))),
      h("div", { class: "log-sides" }, h("span", {}, "browser: ", h("code", {}, entry.browserText)), entry.server && h("span", {}, "server: ", h("code", {}, entry.server.text))),
    ),
  );
  while (list.children.length > 12) list.lastElementChild!.remove();
}
