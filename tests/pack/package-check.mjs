// What `npm pack` ships: exactly the files package.json points at (plus
// package.json, README.md, LICENSE), one .wasm, an exports map with `types`
// first and a condition per runtime, within a size budget.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

// Generous on purpose: they catch a stray folder in the tarball, not a few KB.
const BUDGET = { tarball: 256 * 1024, unpacked: 768 * 1024 };
const CONDITIONS = ["types", "deno", "workerd", "worker", "node", "browser", "default"];

function npmPackJson(root, args) {
  const out = execFileSync("npm", ["pack", "--json", "--loglevel=error", ...args], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return JSON.parse(out)[0];
}

/** Every file package.json refers to (main, module, browser, types, bin, exports). */
export function referencedFiles(manifest) {
  const found = new Set();
  const add = (v) => {
    if (typeof v === "string") found.add(v.replace(/^\.\//, ""));
    else if (v && typeof v === "object") Object.values(v).forEach(add);
  };
  for (const key of ["main", "module", "browser", "types", "typings", "bin", "exports"]) add(manifest[key]);
  return found;
}

/** Problems with the manifest itself (the exports map of the issue). */
function manifestProblems(manifest) {
  const problems = [];
  const root = manifest.exports?.["."];
  if (!root || typeof root !== "object") return ['exports["."] is not a conditions object'];
  const keys = Object.keys(root);
  if (keys[0] !== "types") problems.push(`exports["."]: "types" must come first, got ${keys[0]}`);
  for (const c of CONDITIONS) if (!(c in root)) problems.push(`exports["."] has no "${c}" condition`);
  if (!root.node?.import || !root.node?.require) problems.push('exports["."].node needs "import" and "require"');
  // Deno and wrangler also match "node"; their own conditions must come before it.
  for (const c of ["deno", "workerd"]) {
    if (keys.indexOf(c) > keys.indexOf("node")) problems.push(`exports["."]: "${c}" must come before "node"`);
  }
  if (typeof manifest.exports["./wasm"] !== "string" || !manifest.exports["./wasm"].endsWith(".wasm")) {
    problems.push('exports["./wasm"] must point at the .wasm');
  }
  return problems;
}

/**
 * Packs the package into `dest` and checks what it ships. Retries while a
 * concurrent `node scripts/build.mjs` is swapping pkg/ in.
 * Returns { tarball, size, unpackedSize, files, problems }.
 */
export async function packAndCheck(root, dest) {
  let lastError;
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      if (!existsSync(join(root, "pkg", "whmcs_permissions_bg.wasm"))) throw new Error("pkg/ is missing (a build in progress?)");
      const dry = npmPackJson(root, ["--dry-run"]);
      const real = npmPackJson(root, ["--pack-destination", dest]);
      const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
      const shipped = real.files.map((f) => f.path).sort();
      const dryList = dry.files.map((f) => f.path).sort();
      const wanted = [...new Set([...referencedFiles(manifest), "package.json", "README.md", "LICENSE"])].sort();
      if (wanted.some((f) => !shipped.includes(f)) && attempt < 3) throw new Error("files missing (a build in progress?)");
      const problems = manifestProblems(manifest);
      if (JSON.stringify(dryList) !== JSON.stringify(shipped)) problems.push("npm pack --dry-run and npm pack disagree on the file list");
      for (const f of wanted) if (!shipped.includes(f)) problems.push(`package.json points at ${f}, which is not in the tarball`);
      for (const f of shipped) if (!wanted.includes(f)) problems.push(`${f} is in the tarball but nothing refers to it`);
      const wasm = shipped.filter((f) => f.endsWith(".wasm"));
      if (wasm.length !== 1) problems.push(`expected exactly one .wasm, got ${wasm.length}: ${wasm.join(", ")}`);
      if (real.size > BUDGET.tarball) problems.push(`tarball ${real.size} B is over the ${BUDGET.tarball} B budget`);
      if (real.unpackedSize > BUDGET.unpacked) problems.push(`unpacked ${real.unpackedSize} B is over the ${BUDGET.unpacked} B budget`);
      return { tarball: join(dest, real.filename), size: real.size, unpackedSize: real.unpackedSize, files: real.files, problems };
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
  throw lastError;
}
