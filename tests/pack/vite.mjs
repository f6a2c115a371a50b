// Vite over the scratch project: a production build (two pages) and a dev
// server, both resolving the installed tarball like any app would.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pkgPath } from "./util.mjs";

/** Builds index.html and manual.html into dist/: { entry, wasm, problems }. */
export async function viteBuild(dir) {
  const { build } = await import("vite");
  const out = await build({
    root: dir,
    base: "./",
    configFile: false,
    envFile: false,
    logLevel: "error",
    build: {
      outDir: "dist",
      emptyOutDir: true,
      rolldownOptions: { input: { main: join(dir, "index.html"), manual: join(dir, "manual.html") } },
    },
  });
  const chunks = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output).filter((x) => x.type === "chunk");
  const entry = chunks.flatMap((c) => c.moduleIds).find((id) => /node_modules\/whmcs-permissions\/.*\.[cm]?js$/.test(id));
  const assets = readdirSync(join(dir, "dist", "assets"));
  const problems = [];
  const wasm = assets.filter((f) => f.endsWith(".wasm"));
  if (wasm.length !== 1) problems.push(`the Vite build emitted ${wasm.length} .wasm files: ${wasm.join(", ")}`);
  for (const page of ["index.html", "manual.html"]) {
    const html = readFileSync(join(dir, "dist", page), "utf8");
    if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html)) problems.push(`dist/${page} has an inline script`);
  }
  return { entry: pkgPath(entry), problems, wasm };
}

/**
 * A Vite dev server over the same project: its dependency pre-bundler moves
 * code away from the .wasm, where packages often lose it.
 */
export async function viteDev(dir) {
  const { createServer } = await import("vite");
  const server = await createServer({
    root: dir,
    configFile: false,
    envFile: false,
    logLevel: "error",
    clearScreen: false,
    server: { host: "127.0.0.1", port: 0, hmr: false, watch: null },
  });
  await server.listen();
  return {
    url: server.resolvedUrls.local[0],
    close: () => server.close(),
    entry() {
      const depsDir = join(dir, "node_modules", ".vite", "deps");
      const meta = JSON.parse(readFileSync(join(depsDir, "_metadata.json"), "utf8"));
      const src = meta.optimized?.["whmcs-permissions"]?.src;
      return src ? `${pkgPath(join(depsDir, src))} (pre-bundled)` : "not pre-bundled";
    },
  };
}
