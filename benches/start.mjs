#!/usr/bin/env node
// Size and cold start of the built package (pkg/), on their own:
// `node benches/start.mjs [runs]` prints the rows bench.mjs reports (it imports
// this module), without the minutes of the speed measurements.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const root = new URL("..", import.meta.url).pathname;

/** Median wall time of each command, run interleaved so drift hits all alike. */
function startMs(commands, runs) {
  const times = commands.map(() => []);
  for (let i = 0; i < runs; i++) {
    commands.forEach((args, k) => {
      const t = process.hrtime.bigint();
      execFileSync(process.execPath, args, { cwd: root, stdio: "ignore" });
      times[k].push(Number(process.hrtime.bigint() - t) / 1e6);
    });
  }
  return times.map((v) => v.sort((a, b) => a - b)[Math.floor(runs / 2)]);
}

/** The .wasm's bytes and the cold starts (medians of `runs` interleaved process starts). */
export function sizeAndStart(runs) {
  const wasmBytes = readFileSync(new URL("../pkg/whmcs_permissions_bg.wasm", import.meta.url));
  const gz = gzipSync(wasmBytes, { level: 9 }).length;
  // An ES module file that exports nothing: what importing any module file costs (Node's ESM loader: resolve, read, link).
  const emptyModule = join(mkdtempSync(join(tmpdir(), "whmcs-start-")), "empty.mjs");
  writeFileSync(emptyModule, "export {};\n");
  const [bare, cjs, esmBare, esmEmpty, esm] = startMs([
    ["-e", "0"],
    ["-e", "require('whmcs-permissions').getPermissionsList()"],
    ["--input-type=module", "-e", "0"],
    ["--input-type=module", "-e", `import ${JSON.stringify(emptyModule)}`],
    ["--input-type=module", "-e", "import { getPermissionsList } from 'whmcs-permissions'; getPermissionsList()"],
  ], runs);
  return { raw: wasmBytes.length, gz, bare, cjs, esmBare, esmEmpty, esm };
}

/** The report's rows for them. */
export function rows({ raw, gz, bare, cjs, esmBare, esmEmpty, esm }) {
  return [
    `| .wasm size | ${raw} B raw, ${gz} B gzip (${(gz / 1024).toFixed(1)} KiB) | ≤ 30 KiB gzip | ${gz <= 30 * 1024 ? "yes" : "NO"} |`,
    `| Node cold start, require (CJS) | ${(cjs - bare).toFixed(1)} ms over \`node -e 0\` (${cjs.toFixed(1)} vs ${bare.toFixed(1)} ms) | ≤ 15 ms | ${cjs - bare <= 15 ? "yes" : "NO"} |`,
    `| Node cold start, import (ESM) | ${(esm - esmBare).toFixed(1)} ms over an empty ESM script (${esm.toFixed(1)} vs ${esmBare.toFixed(1)} ms); ${(esm - esmEmpty).toFixed(1)} ms over importing an empty module file (${esmEmpty.toFixed(1)} ms: the ESM loader's own part) | ≤ 10 ms (over the empty script) | ${esm - esmBare <= 10 ? "yes" : "NO"} |`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of rows(sizeAndStart(Number(process.argv[2] ?? 31)))) console.log(line);
}
