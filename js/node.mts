/** Entry for Node's `import`: the module is loaded and ready at import. */
import { readFileSync } from "node:fs";
import { initSync } from "./api.js";

initSync(readFileSync(new URL("./whmcs_permissions_bg.wasm", import.meta.url)));

export * from "./index.js";

/** Already loaded at import in Node; kept so code shared with browsers can `await init()`. */
export function init(_input?: unknown): Promise<void> {
  return Promise.resolve();
}
