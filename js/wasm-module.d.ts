/** `import wasm from "./x.wasm"`: workerd and wrangler give a compiled module. */
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
