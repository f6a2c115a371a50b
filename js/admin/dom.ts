/** DOM helpers for the admin page: text is always set as text, never parsed as HTML. */

export type Child = Node | string | null | undefined | false;

export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Builds an element; `false`/`undefined` attributes are left out, `true` ones set empty. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === undefined) continue;
    if (name === "class") el.className = String(value);
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

/** 1234567 → "1,234,567", as `toLocaleString("en")` gives it, without loading a locale before the first paint. */
export const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+$)/g, ",");

/** The page's status line (role=status, in the header). */
export function setStatus(text: string, kind: "ok" | "warn" = "ok") {
  const el = $("status");
  el.textContent = text;
  el.dataset.kind = kind;
}

/** Marks the page busy while `work` runs; a second command while one runs is ignored (resolves undefined). */
let busy = false;
export async function exclusive<T>(work: () => Promise<T>): Promise<T | undefined> {
  if (busy) return undefined;
  busy = true;
  document.body.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    busy = false;
    document.body.removeAttribute("aria-busy");
  }
}

/** The page's two views; the status line shows the summary of the one on screen. */
export type View = "permissions" | "users";
let shown: View = "permissions";
const summaries: Partial<Record<View, string>> = {};

export function setSummary(view: View, text: string) {
  summaries[view] = text;
  if (view === shown) setStatus(text);
}

export function showSummaryOf(view: View) {
  shown = view;
  const text = summaries[view];
  if (text !== undefined) setStatus(text);
}

/** What a paged, searchable list keeps: where it starts, how many it shows, what it searches for. */
export interface PagedQuery {
  start: number;
  limit: number;
  search: string;
}

/**
 * Wires a list's search form and its Previous/Next buttons to `query`: a
 * search starts again at the first page; each change reloads with `load`.
 */
export function wirePager(query: PagedQuery, ids: { form: string; text: string; prev: string; next: string }, load: () => Promise<unknown>) {
  $(ids.form).addEventListener("submit", (e) => {
    e.preventDefault();
    query.search = $<HTMLInputElement>(ids.text).value;
    query.start = 0;
    void load();
  });
  $(ids.prev).addEventListener("click", () => {
    query.start = Math.max(0, query.start - query.limit);
    void load();
  });
  $(ids.next).addEventListener("click", () => {
    query.start += query.limit;
    void load();
  });
}
