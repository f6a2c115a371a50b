/**
 * Entry for browsers, bundlers, Deno and other ESM runtimes: call
 * `await init()` once before the API (it is idempotent).
 */
import { initFrom } from "./api.js";
import type { InitInput } from "./types.js";

export * from "./index.js";

/**
 * Loads the WebAssembly module: from `input` (a URL, `Response`, bytes or a
 * compiled `WebAssembly.Module`) or, by default, the `.wasm` next to this
 * file. Safe to call more than once, and concurrently.
 */
export function init(input?: InitInput): Promise<void> {
  return initFrom(input, () => new URL("./whmcs_permissions_bg.wasm", import.meta.url));
}
