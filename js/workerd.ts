/**
 * Entry for Cloudflare Workers and `workerd` (the `workerd` export condition,
 * which wrangler sets). Workers forbid compiling WebAssembly from bytes at
 * run time, so the binary is imported as a module — wrangler and workerd's
 * `wasm` module type hand it over already compiled — and instantiated
 * synchronously: the API is ready at import, as in Node.
 */
import wasm from "./whmcs_permissions_bg.wasm";
import { initSync } from "./api.js";

initSync(wasm);

export * from "./index.js";

/** Already loaded at import in Workers; kept so code shared with browsers can `await init()`. */
export function init(_input?: unknown): Promise<void> {
  return Promise.resolve();
}
