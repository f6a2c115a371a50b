/** The package's `.wasm`, compiled by the host's module loader. */
declare const wasm: WebAssembly.Module;
export default wasm;
