#!/usr/bin/env node
// Builds pkg/ from the Rust core:
//   1. cargo build (wasm32, release, no_std) -> <cargo target dir>/wasm32-unknown-unknown/release/*.wasm
//                                              (CARGO_TARGET_DIR respected: cargo metadata says where)
//   2. wasm-bindgen --target web            -> target/js-glue/ (glue + .wasm), with wasm-bindgen's
//                                              own reset (--experimental-reset-state-function)
//   3. wasm-opt -Oz (binaryen from npm)     -> pkg/whmcs_permissions_bg.wasm  (the one .wasm)
//   4. js/generated.ts, js/glue.d.ts        from the core (scripts/generated.mjs; committed)
//   5. esbuild                              -> pkg/node.cjs, pkg/node.mjs, pkg/browser.mjs,
//                                              pkg/deno.mjs, pkg/workerd.mjs (one entry per runtime)
//   6. dts-bundle-generator                 -> pkg/index.d.ts, .d.mts, .d.cts
//   7. esbuild                              -> pkg/cli.cjs (the `whmcs-permissions` bin; bundles kysely)
//   8. esbuild                              -> target/server/ (the `npm start` server, the admin page, and
//                                              storage.mjs for scripts and tests; not published)
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { glueDir as glue, root, staleFiles } from "./generated.mjs";

const require = createRequire(import.meta.url);
const bin = (name) => join(root, "node_modules", ".bin", name);
// Built into a staging folder and swapped in at the end, so a concurrent
// reader of pkg/ never sees a half-written build. The build's own folders
// stay in ./target (next to pkg/, so the swap is a rename); only cargo's
// output follows CARGO_TARGET_DIR.
const finalPkg = join(root, "pkg");
const pkg = join(root, "target", `pkg-staging-${process.pid}`);
const env = { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.CARGO_HOME ?? `${process.env.HOME}/.cargo`}/bin:${process.env.PATH}` };

function run(cmd, args) {
  execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"], env });
}
const step = (what) => console.error(`[build] ${what}`);

// The two slow steps (wasm-opt, dts-bundle-generator) keep their output in
// target/build-cache, keyed by a hash of every input: a second build with
// nothing changed reuses it instead of spending 10-20 s on each.
const cacheDir = join(root, "target", "build-cache");
function cached(name, inputs, produce) {
  const hash = createHash("sha256");
  for (const input of inputs) hash.update(createHash("sha256").update(input).digest());
  const file = join(cacheDir, `${name}-${hash.digest("hex").slice(0, 32)}`);
  if (existsSync(file)) {
    step(`${name}: inputs unchanged, output reused`);
    return readFileSync(file);
  }
  const out = Buffer.from(produce());
  mkdirSync(cacheDir, { recursive: true });
  for (const old of readdirSync(cacheDir)) if (old.startsWith(`${name}-`)) rmSync(join(cacheDir, old), { force: true });
  writeFileSync(`${file}.${process.pid}`, out);
  renameSync(`${file}.${process.pid}`, file);
  return out;
}
const filesUnder = (dir) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
const packageVersion = (name) => JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version;

step("cargo build --release --target wasm32-unknown-unknown --no-default-features");
// Without the `std` feature: `no_std` + alloc, a panic traps (Cargo.toml, src/lib.rs).
run("cargo", ["build", "--quiet", "--lib", "--release", "--target", "wasm32-unknown-unknown", "--no-default-features"]);
const { target_directory: cargoTarget } = JSON.parse(
  execFileSync("cargo", ["metadata", "--format-version", "1", "--no-deps"], { cwd: root, env, encoding: "utf8" }),
);
const builtWasm = join(cargoTarget, "wasm32-unknown-unknown", "release", "whmcs_permissions.wasm");

step("wasm-bindgen --target web --experimental-reset-state-function");
rmSync(glue, { recursive: true, force: true });
run("wasm-bindgen", [
  builtWasm,
  "--target", "web",
  "--omit-default-module-path",
  // `__wbg_reset_state()`: js/api.ts replaces an instance that trapped
  // (SECURITY.md); objects of the old instance are refused, never freed into the new.
  "--experimental-reset-state-function",
  "--out-dir", glue,
  "--out-name", "whmcs_permissions",
]);
writeFileSync(join(glue, "package.json"), '{ "type": "module" }\n');

step("wasm-opt -Oz");
rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg, { recursive: true });
const wasmOut = join(pkg, "whmcs_permissions_bg.wasm");
const wasmOptArgs = [
  "-Oz",
  // Similar functions side by side (wasm-bindgen's shims, a type's methods): gzip finds
  // their repeats within its window (-0.25 KB gzip; the raw size is the same).
  "--reorder-functions-by-name",
  "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
  "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
  // The target_features section is for linkers; nothing loading the .wasm reads it.
  "--strip-debug", "--strip-producers", "--strip-target-features",
  // Rust's wasm32 layout puts the 1 MiB stack at the bottom of memory, growing
  // down from 1 MiB (data and heap above it): the first KiB is only reached by
  // a stack about to overflow. Binaryen may then fold `ptr + constant` into a
  // load's or store's offset (which traps instead of wrapping past 2^32).
  "--low-memory-unused",
];
const boundWasm = join(glue, "whmcs_permissions_bg.wasm");
writeFileSync(wasmOut, cached("wasm-opt", [readFileSync(boundWasm), wasmOptArgs.join(" "), packageVersion("binaryen")], () => {
  run(bin("wasm-opt"), [boundWasm, ...wasmOptArgs, "-o", wasmOut]);
  return readFileSync(wasmOut);
}));

step("js/generated.ts, js/glue.d.ts from the core");
for (const file of await staleFiles()) {
  if (process.env.CI) {
    // A fresh clone must build what was committed; tests/js/generated.test.mjs reports it.
    console.error(`[build] warning: ${file.path} is out of date with the core: run \`npm run build\` and commit it`);
  } else {
    writeFileSync(join(root, file.path), file.text);
    console.error(`[build] ${file.path} updated from the core: commit it`);
  }
}

step("esbuild: pkg/node.cjs, pkg/node.mjs, pkg/browser.mjs, pkg/deno.mjs, pkg/workerd.mjs");
// js/ imports the glue as "./glue.js" (typed by the committed js/glue.d.ts);
// its code is this build's wasm-bindgen output.
const gluePlugin = {
  name: "wasm-bindgen-glue",
  setup(build) {
    build.onResolve({ filter: /^\.\/glue\.js$/ }, (args) =>
      args.resolveDir === join(root, "js") ? { path: join(glue, "whmcs_permissions.js") } : undefined,
    );
  },
};
const bundle = (entry, outfile, options) =>
  esbuild.build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    // ES2022: `#private` members stay native (es2020 lowers each to a WeakMap lookup, ~120 ns
    // of a ~950 ns hasPermission); every runtime that has the .wasm's reference types has them.
    target: "es2022",
    legalComments: "none",
    logLevel: "warning",
    // The glue lists its one snippet module once per import; esbuild would warn.
    logOverride: { "duplicate-object-key": "silent" },
    plugins: [gluePlugin],
    ...options,
  });
// Minified: a cold import parses about half the bytes and far fewer identifiers (1 to 2 ms of
// Node's ~10 ms, benches/start.mjs). Not `keepNames` (its `__name` calls cost about 1 ms): the
// public classes set their own names.
const entry = { minify: true };
await bundle("js/node.cts", join(pkg, "node.cjs"), { ...entry, platform: "node", format: "cjs" });
await bundle("js/node.mts", join(pkg, "node.mjs"), { ...entry, platform: "node", format: "esm" });
await bundle("js/browser.ts", join(pkg, "browser.mjs"), { ...entry, platform: "neutral", format: "esm" });
// Deno and workerd import the .wasm as a module (kept as written, next to it in pkg/);
// Deno's is a source-phase import (`import source`), which es2022 does not name.
for (const name of ["deno", "workerd"]) {
  await bundle(`js/${name}.ts`, join(pkg, `${name}.mjs`), {
    ...entry, platform: "neutral", format: "esm", supported: { "import-source": true }, external: ["*.wasm"],
  });
}

step("dts-bundle-generator: pkg/index.d.ts, .d.mts, .d.cts");
// One self-contained declaration file, copied per module format.
const dtsInputs = [...filesUnder(join(root, "js")), ...filesUnder(glue).filter((f) => f.endsWith(".d.ts")), join(root, "tsconfig.build.json"), join(root, "tsconfig.json")];
const body = cached(
  "dts-bundle-generator",
  [...dtsInputs.flatMap((f) => [f, readFileSync(f)]), packageVersion("dts-bundle-generator"), packageVersion("typescript")],
  () => {
    const { generateDtsBundle } = require("dts-bundle-generator");
    return generateDtsBundle(
      [{ filePath: join(root, "js", "browser.ts"), output: { noBanner: true, exportReferencedTypes: false } }],
      { preferredConfigPath: join(root, "tsconfig.build.json") },
    )[0];
  },
).toString("utf8");
// `[Symbol.dispose]` needs the disposable lib; name it, so consumers whose
// `lib` stops at es2022 still compile (with skipLibCheck off).
const libs = body.includes("Symbol.dispose") ? '/// <reference lib="esnext.disposable" />\n' : "";
const dts = `${libs}// Type declarations for whmcs-permissions (generated by scripts/build.mjs).\n${body}`;
for (const name of ["index.d.ts", "index.d.mts", "index.d.cts"]) writeFileSync(join(pkg, name), dts);

step("esbuild: pkg/cli.cjs");
// The CLI requires the package by name (its own CommonJS entry), so the glue and .wasm are not duplicated.
// It bundles kysely (minified: the tarball stays small); the native drivers are optional peer
// dependencies, loaded only for their engine.
await bundle("js/cli.ts", join(pkg, "cli.cjs"), {
  platform: "node", format: "cjs", external: ["whmcs-permissions", "better-sqlite3", "mysql2"], banner: { js: "#!/usr/bin/env node" },
  minify: true, keepNames: true,
});
chmodSync(join(pkg, "cli.cjs"), 0o755);

rmSync(finalPkg, { recursive: true, force: true });
renameSync(pkg, finalPkg);

step("esbuild: target/server (server, admin page, storage module, sample state)");
// The server imports the package by name (pkg/node.mjs: named external, or tsconfig's `paths` would
// bundle js/browser.ts) and its npm dependencies from node_modules; the page's import map points
// `whmcs-permissions` at /pkg/browser.mjs.
const server = join(root, "target", `server-staging-${process.pid}`);
rmSync(server, { recursive: true, force: true });
mkdirSync(join(server, "admin"), { recursive: true });
await bundle("js/server/server.ts", join(server, "server.mjs"), { platform: "node", format: "esm", packages: "external", external: ["whmcs-permissions"] });
await bundle("js/server/storage/index.ts", join(server, "storage.mjs"), { platform: "node", format: "esm", packages: "external", external: ["whmcs-permissions"] });
await bundle("js/admin/app.ts", join(server, "admin", "app.js"), { platform: "browser", format: "esm", external: ["whmcs-permissions"] });
for (const file of ["index.html", "style.css"]) copyFileSync(join(root, "js", "admin", file), join(server, "admin", file));
copyFileSync(join(root, "examples", "sample-state.json"), join(server, "sample-state.json"));
rmSync(join(root, "target", "server"), { recursive: true, force: true });
renameSync(server, join(root, "target", "server"));

const bytes = readFileSync(join(finalPkg, "whmcs_permissions_bg.wasm"));
const gz = (await import("node:zlib")).gzipSync(bytes, { level: 9 }).length;
step(`done: pkg/whmcs_permissions_bg.wasm ${bytes.length} bytes (${gz} gzip)`);
