/** Entry for Node's `require`: the module is loaded and ready at require. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { initSync } from "./api.js";

initSync(readFileSync(join(__dirname, "whmcs_permissions_bg.wasm")));

export * from "./index.js";

/** Already loaded at require in Node; kept so code shared with browsers can `await init()`. */
export function init(_input?: unknown): Promise<void> {
  return Promise.resolve();
}
