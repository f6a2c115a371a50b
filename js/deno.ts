/**
 * Entry for Deno (the `deno` export condition). The binary arrives through a
 * source-phase import, already compiled by Deno's module loader, so no
 * `--allow-read` or `--allow-net` is needed and the API is ready at import.
 */
import wasm from "./wasm-source.js";
import { initSync } from "./api.js";

initSync(wasm);

export * from "./index.js";

/** Already loaded at import in Deno; kept so code shared with browsers can `await init()`. */
export function init(_input?: unknown): Promise<void> {
  return Promise.resolve();
}
