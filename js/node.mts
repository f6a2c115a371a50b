/** Entry for Node's `import`: the module is loaded and ready at import. */
import { initSync } from "./api.js";

// fs without an import, so that nothing but this file is loaded: `import ... from "node:fs"`
// would build fs's ES module facade, which reads every export of fs and so loads its stream
// classes (about 4 ms of a cold start), and `createRequire` from "node:module" loads the module
// and source-map internals (about 1 ms). `process.getBuiltinModule`: Node 20.16+ and 22.3+, Bun, Deno.
if (typeof process.getBuiltinModule !== "function") {
  throw new Error(
    `whmcs-permissions: \`import\` needs Node 20.16 or later (process.getBuiltinModule); this is Node ${process.versions.node}: upgrade, or use require("whmcs-permissions")`,
  );
}
const { readFileSync } = process.getBuiltinModule("node:fs");
initSync(readFileSync(new URL("./whmcs_permissions_bg.wasm", import.meta.url)));

export * from "./index.js";

/** Already loaded at import in Node; kept so code shared with browsers can `await init()`. */
export function init(_input?: unknown): Promise<void> {
  return Promise.resolve();
}
