// The .wasm as a compiled WebAssembly.Module, through a source-phase import
// (Deno 2). Plain JS because TypeScript cannot parse `import source` yet;
// esbuild keeps the import as written (scripts/build.mjs marks *.wasm external).
import source wasm from "./whmcs_permissions_bg.wasm";

export default wasm;
