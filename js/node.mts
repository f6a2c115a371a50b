/** Entry for Node's `import`: the module is loaded and ready at import. */
import { createRequire } from "node:module";
import { initSync } from "./api.js";

// `import ... from "node:fs"` would build fs's ES module facade, which reads every export
// of fs, and so loads its stream classes (about 4 ms of a cold start); require does not.
const { readFileSync } = createRequire(import.meta.url)("node:fs") as typeof import("node:fs");
initSync(readFileSync(new URL("./whmcs_permissions_bg.wasm", import.meta.url)));

export * from "./index.js";

/** Already loaded at import in Node; kept so code shared with browsers can `await init()`. */
export function init(_input?: unknown): Promise<void> {
  return Promise.resolve();
}
