// workerd: the worker is bundled the way wrangler bundles one (esbuild,
// conditions workerd/worker/browser, `.wasm` imports kept as wasm modules),
// served by the workerd binary from a capnp config on a free loopback port,
// and sent the vectors in a POST.
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, start, tail, waitFor } from "./util.mjs";

/** Bundles `dir/worker.mjs` into `dir/dist`; returns { entry, wasmModules }. */
async function bundle(dir) {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    absWorkingDir: dir,
    entryPoints: ["worker.mjs"],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    loader: { ".wasm": "copy" },
    assetNames: "[name]",
    outdir: "dist",
    metafile: true,
    logLevel: "silent",
  });
  const entry = Object.keys(result.metafile.inputs).find((p) => /node_modules\/whmcs-permissions\/.*\.[cm]?js$/.test(p));
  const wasmModules = readdirSync(join(dir, "dist")).filter((f) => f.endsWith(".wasm"));
  return { entry, wasmModules };
}

function capnpConfig(port, wasmModules) {
  const modules = [
    `(name = "worker.js", esModule = embed "dist/worker.js")`,
    ...wasmModules.map((f) => `(name = ${JSON.stringify(f)}, wasm = embed ${JSON.stringify(`dist/${f}`)})`),
  ];
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .vectorsWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const vectorsWorker :Workerd.Worker = (
  modules = [
    ${modules.join(",\n    ")},
  ],
  compatibilityDate = "2026-01-01",
);
`;
}

/** Runs the vectors in workerd: { entry, wasmModules, report }. */
export async function runWorkerd(dir, workerdBin, files) {
  const { entry, wasmModules } = await bundle(dir);
  const port = await freePort();
  writeFileSync(join(dir, "config.capnp"), capnpConfig(port, wasmModules));
  const server = start(workerdBin, ["serve", "config.capnp"], { cwd: dir });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitFor("workerd to listen", async () => {
      if (server.exited()) throw new Error(`workerd exited:\n${tail(server.output())}`);
      return (await fetch(url)).ok ? true : undefined;
    });
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(files) });
    if (!res.ok) throw new Error(`worker answered ${res.status}: ${(await res.text()).slice(0, 500)}\n${tail(server.output())}`);
    return { entry, wasmModules, report: await res.json() };
  } finally {
    await server.stop();
  }
}
